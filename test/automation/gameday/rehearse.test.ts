import * as assert from "node:assert/strict";
import type { GameDayEvent } from "../../../automation/gameday/events";
import { rehearseGameDay } from "../../../automation/gameday/rehearse";
import { SimulatedCapacity } from "../../../automation/rollout/simulate/simulatedCapacity";
import { VirtualClock } from "../../../automation/rollout/simulate/virtualClock";
import { planClusters } from "../../../config/clusters";
import { parseEnvironment, type Environment } from "../../../config/load";
import { deployedFrom, environmentFixture, serviceFixture } from "../../_fixtures";

/** Three clusters whose service autoscales, so two can absorb the third (as in the rollout's tests). */
function environment(overrides: Record<string, unknown> = {}): Environment {
  return parseEnvironment(
    "sim",
    environmentFixture({
      services: [serviceFixture({ autoscaling: { maxReplicas: 4 } })],
      ...overrides,
    }),
    "test",
  );
}

async function rehearse(
  env: Environment,
  more: Partial<Parameters<typeof rehearseGameDay>[0]> = {},
): Promise<{ events: GameDayEvent[]; keptServing: boolean }> {
  const events: GameDayEvent[] = [];
  const plan = await rehearseGameDay({
    environment: env,
    lose: "b",
    recoverAfterSeconds: 600,
    emit: (e) => events.push(e),
    ...more,
  });
  return { events, keptServing: plan.keptServing };
}

const find = <N extends GameDayEvent["event"]>(events: GameDayEvent[], name: N) =>
  events.find((e) => e.event === name) as Extract<GameDayEvent, { event: N }>;

describe("rehearseGameDay (the timeline played on the rollout's simulation)", () => {
  it("plays the plan on a virtual clock: every event at its time, in order", async () => {
    const clock = new VirtualClock(Date.parse("2026-11-25T10:00:00Z"));
    const { events, keptServing } = await rehearse(environment(), { clock });
    assert.equal(keptServing, true);
    assert.deepEqual(
      events.map((e) => [e.elapsedMs / 1000, e.event]),
      [
        [0, "gameday-started"],
        [0, "cluster-lost"],
        [90, "route53-unhealthy"],
        [150, "absorb"],
        [600, "cluster-back"],
        [690, "route53-healthy"],
        [750, "traffic-restored"],
        [750, "gameday-finished"],
      ],
    );
    assert.equal(find(events, "route53-unhealthy").at, "2026-11-25T10:01:30.000Z");
    assert.ok(events.every((e) => e.cluster === "b"));
  });

  it("fails every gate of the lost cluster from the start, and passes them when it is back", async () => {
    const { events } = await rehearse(environment());
    const lost = find(events, "cluster-lost").gates;
    assert.ok(lost.length > 0 && lost.every((g) => !g.ok && g.cluster === "b"));
    assert.deepEqual(
      [...new Set(lost.map((g) => g.gate))],
      ["api-server", "nodes", "system-pods", "deployments", "http-probe", "route53"],
    );
    const back = find(events, "cluster-back").gates;
    assert.ok(back.length > 0 && back.every((g) => g.ok));
  });

  it("judges capacity with the numbers of the rollout's drain check", async () => {
    const env = environment();
    const { events } = await rehearse(env);
    const weights = Object.fromEntries(env.config.clusters.map((c) => [c.name, c.weight]));
    const drainCheck = await new SimulatedCapacity(env, () => weights).check("b");
    const absorb = find(events, "absorb");
    assert.equal(absorb.ok, true);
    assert.deepEqual(
      absorb.clusters.map((c) => [c.cluster, c.ok]),
      drainCheck.map((g) => [g.cluster, g.ok]),
    );
  });

  it("would not have kept serving a service that runs a fixed replica count", async () => {
    const { events, keptServing } = await rehearse(environment({ services: [serviceFixture()] }));
    assert.equal(keptServing, false);
    assert.match(find(events, "absorb").problems[0], /api needs 3 replicas, it runs a fixed 2/);
    assert.equal(find(events, "gameday-finished").result, "not-kept-serving");
  });

  it("starts from the deployed weights: with c drained, a alone absorbs b's share", async () => {
    const env = environment();
    const deployed = deployedFrom(planClusters(env.config)).map((d) =>
      d.name === "c" ? { ...d, weight: 0 } : d,
    );
    const { events } = await rehearse(env, { deployed });
    const absorb = find(events, "absorb");
    assert.equal(absorb.factor, 2);
    assert.deepEqual(
      absorb.clusters.map((c) => c.cluster),
      ["a"],
    );
    assert.match(find(events, "note").reason, /only a serves, fewer than minClusters \(2\)/);
  });

  it("refuses a cluster the environment does not have, naming the clusters", async () => {
    await assert.rejects(rehearse(environment(), { lose: "x" }), (err: Error) => {
      assert.equal(err.name, "UsageError");
      assert.match(err.message, /no cluster "x" in sim; clusters are a, b, c/);
      return true;
    });
    const deployed = deployedFrom(planClusters(environment().config)).map((d) =>
      d.name === "c" ? { ...d, name: "d" } : d,
    );
    await assert.rejects(rehearse(environment(), { deployed }), /--deployed lists cluster d/);
  });
});
