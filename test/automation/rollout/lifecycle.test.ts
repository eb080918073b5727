import * as assert from "node:assert/strict";
import type { Evaluation } from "../../../automation/offline/evaluate";
import type { RolloutEvent } from "../../../automation/rollout/events";
import { evaluateLeaving } from "../../../automation/rollout/simulate/leaving";
import type { Simulation } from "../../../automation/rollout/simulate/simulation";
import type { Environment } from "../../../config/load";
import type { DeployedCluster } from "../../../config/rolloutState";
import {
  clusterFixture,
  deployedFrom,
  environmentFixture,
  serviceFixture,
  stackConfigFixture,
} from "../../_fixtures";
import { assertInvariants, runOnce, simulatedEnvironment, simulation } from "./_simulation";

type Env = {
  environment: Environment;
  evaluation: Evaluation;
  leaving?: Pick<Evaluation, "resources" | "membership">;
};

const abc = ["a", "b", "c"].map((n, i) => clusterFixture(n, i));

/** Ramp events of a run, as [cluster, direction, percent]. */
const ramps = (events: RolloutEvent[]) =>
  events.flatMap((e) => (e.event === "ramp" ? [[e.cluster, e.direction, e.percent]] : []));

/** The weights of every update that moved a ramp, in order. */
const rampWeights = (sim: Simulation) =>
  sim.stack.updates.filter((u) => u.directive.ramp).map((u) => u.weights);

/** An environment whose deployed clusters (a, b, c at the config) are not all in `clusters`. */
async function changedEnvironment(clusters: Record<string, unknown>[]): Promise<Env> {
  const env = await simulatedEnvironment({ clusters });
  const raw = environmentFixture({
    services: [serviceFixture({ autoscaling: { maxReplicas: 4 } })],
    clusters,
  });
  const leaving = await evaluateLeaving(
    {
      project: "active-active",
      stack: "sim",
      config: stackConfigFixture(raw),
      source: "test",
      configured: env.environment.config.clusters.map((c) => c.name),
    },
    deployedAbc,
  );
  return { ...env, leaving };
}

let deployedAbc: DeployedCluster[];

describe("rollout orchestrator: adding, removing and replacing clusters (simulated)", () => {
  let withD: Env;
  let withoutC: Env;
  let replaced: Env;

  before(async () => {
    const three = await simulatedEnvironment();
    deployedAbc = deployedFrom(three.evaluation.clusters);
    withD = await changedEnvironment([...abc, clusterFixture("d", 3)]);
    withoutC = await changedEnvironment(abc.slice(0, 2));
    replaced = await changedEnvironment([
      abc[0],
      abc[1],
      clusterFixture("d", 3, { replaces: "c" }),
    ]);
  });

  it("adds d: creates it without traffic, waits for its gates, ramps 10, 50, 100 with a soak each", async () => {
    const sim = simulation(withD, [], deployedAbc);
    const run = await runOnce(sim, withD.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "succeeded");
    assert.deepEqual(
      run.outcome.clusters.map((c) => `${c.name}=${c.state}`),
      ["a=done", "b=done", "c=done", "d=done"],
    );
    assertInvariants(sim);
    assert.deepEqual(ramps(run.events), [
      ["d", "up", 10],
      ["d", "up", 50],
      ["d", "up", 100],
    ]);
    // Created at weight 0, then 10% and 50% of its weight (all scaled by 100), then all at 1.
    const created = sim.stack.updates.find((u) => u.changed.includes("d"));
    assert.equal(created?.weights.d, 0);
    assert.deepEqual(rampWeights(sim), [
      { a: 100, b: 100, c: 100, d: 10 },
      { a: 100, b: 100, c: 100, d: 50 },
      { a: 1, b: 1, c: 1, d: 1 },
    ]);
    // Gates before the first ramp, a soak after every ramp.
    const forD = run.events.filter((e) => e.cluster === "d").map((e) => e.event);
    const firstRamp = forD.indexOf("ramp");
    assert.ok(forD.indexOf("health-wait") < firstRamp);
    const soaksAfterRamps = forD.filter(
      (name, i) => name === "soak" && forD.slice(0, i).includes("ramp"),
    );
    assert.ok(soaksAfterRamps.length >= 3);
  });

  it("adds d and releases a new image to a, b and c in one rollout: d first, previewed alone", async () => {
    const image = "ghcr.io/acme/api:2.0.0";
    const env = await simulatedEnvironment({
      clusters: [...abc, clusterFixture("d", 3)],
      services: [serviceFixture({ image, autoscaling: { maxReplicas: 4 } })],
    });
    const sim = simulation(env, [], deployedAbc);
    const run = await runOnce(sim, env.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "succeeded", run.outcome.reason);
    const started = run.events.find((e) => e.event === "rollout-started");
    assert.ok(started?.event === "rollout-started");
    assert.deepEqual(
      started.steps.map((s) => `${s.cluster} ${s.kind}`),
      ["d add", "a release", "b release", "c release"],
    );
    // Each later step's preflight preview is its own change only, not d's creation.
    const preflight = run.events.flatMap((e) =>
      e.event === "preflight-preview" ? [[e.cluster, e.ok, e.outside.length]] : [],
    );
    assert.deepEqual(preflight, [
      ["d", true, 0],
      ["a", true, 0],
      ["b", true, 0],
      ["c", true, 0],
    ]);
    assertInvariants(sim);
  });

  it("a gate failing at 50% ramps the new cluster back to 0; the others keep serving", async () => {
    const sim = simulation(withD, [{ cluster: "d", kind: "ramp-fails" }], deployedAbc);
    const run = await runOnce(sim, withD.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "halted");
    assert.match(run.outcome.reason ?? "", /cluster d failed health gate "http-probe" at 50%/);
    assert.match(run.outcome.reason ?? "", /ramped it back to 0%, the other clusters serve/);
    assert.deepEqual(ramps(run.events), [
      ["d", "up", 10],
      ["d", "up", 50],
      ["d", "down", 0],
    ]);
    const last = sim.stack.updates.at(-1)!;
    assert.deepEqual(last.weights, { a: 1, b: 1, c: 1, d: 0 });
    assert.deepEqual(last.directive.drained, [], "nothing is drained");
    assert.ok(run.outcome.clusters.some((c) => c.name === "d" && c.state === "pending"));
    assertInvariants(sim);
  });

  it("a new cluster that never gets healthy halts the rollout with nothing drained", async () => {
    const sim = simulation(withD, [{ cluster: "d", kind: "gate-fails" }], deployedAbc);
    const run = await runOnce(sim, withD.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "halted");
    assert.match(run.outcome.reason ?? "", /it has no traffic yet, the other clusters serve/);
    const last = sim.stack.updates.at(-1)!;
    assert.deepEqual(last.directive.drained, []);
    assert.deepEqual(last.weights, { a: 1, b: 1, c: 1, d: 0 });
    assert.equal(
      run.events.some((e) => e.event === "drain"),
      false,
    );
  });

  it("a kill in the middle of the ramp resumes at the next step of the ramp", async () => {
    const sim = simulation(withD, [{ cluster: "d", kind: "crash-during-ramp" }], deployedAbc);
    const first = await runOnce(sim, withD.environment);
    assert.equal(first.outcome, "crashed");
    assert.equal(sim.stack.clusters().find((c) => c.name === "d")?.ramp, 50);
    const second = await runOnce(sim, withD.environment);
    assert.ok(second.outcome !== "crashed");
    assert.equal(second.outcome.result, "succeeded");
    const started = second.events.find((e) => e.event === "rollout-started");
    assert.ok(started?.event === "rollout-started" && started.resumed);
    assert.deepEqual(
      started.steps.map((s) => [s.cluster, s.kind, s.ramp]),
      [["d", "add", [100]]],
    );
    assert.deepEqual(ramps(second.events), [["d", "up", 100]]);
    assert.equal(
      sim.stack.updates.filter((u) => u.changed.includes("d")).length,
      1,
      "d is created once",
    );
  });

  it("removes c: capacity check, ramp down 50 then 10, drain, then a delete of c alone", async () => {
    const sim = simulation(withoutC, [], deployedAbc);
    const run = await runOnce(sim, withoutC.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "succeeded", run.outcome.reason);
    assert.deepEqual(
      run.outcome.clusters.map((c) => `${c.name}=${c.state}`),
      ["a=done", "b=done"],
    );
    const forC = run.events.filter((e) => e.cluster === "c").map((e) => e.event);
    const order = ["drain-check", "ramp", "drain", "preview", "update-started", "removed"];
    assert.deepEqual(
      order.map((name) => forC.indexOf(name as RolloutEvent["event"])),
      [...order.map((name) => forC.indexOf(name as RolloutEvent["event"]))].sort((x, y) => x - y),
    );
    assert.deepEqual(ramps(run.events), [
      ["c", "down", 50],
      ["c", "down", 10],
    ]);
    const preview = run.events.find((e) => e.event === "preview" && e.cluster === "c");
    assert.ok(preview?.event === "preview" && preview.ok && preview.changes > 0);
    assert.deepEqual(
      sim.stack.clusters().map((c) => c.name),
      ["a", "b"],
    );
    // c leaves DNS before it is deleted, and never more than one cluster is out of service.
    const deletion = sim.stack.updates.findIndex((u) =>
      u.directive.record?.released?.includes("c"),
    );
    assert.equal(sim.stack.updates[deletion - 1].weights.c, 0);
    assertInvariants(sim);
  });

  it("removes a broken cluster: c's own health does not hold up its removal, the others' does", async () => {
    const sim = simulation(withoutC, [{ cluster: "c", kind: "unhealthy-before" }], deployedAbc);
    const run = await runOnce(sim, withoutC.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "succeeded", run.outcome.reason);
    assert.deepEqual(
      sim.stack.clusters().map((c) => c.name),
      ["a", "b"],
    );
    const broken = await runOnce(
      simulation(withoutC, [{ cluster: "a", kind: "unhealthy-before" }], deployedAbc),
      withoutC.environment,
    );
    assert.ok(broken.outcome !== "crashed");
    assert.equal(broken.outcome.result, "refused");
    assert.match(broken.outcome.reason ?? "", /cluster a fails health gate "system-pods"/);
  });

  it("refuses to remove c when a and b could not absorb its share, with numbers, changing nothing", async () => {
    const services = [
      serviceFixture({ replicas: 3, resources: { requests: { cpu: "1", memory: "1Gi" } } }),
    ];
    const deployed = deployedFrom((await simulatedEnvironment({ services })).evaluation.clusters);
    const tight = await simulatedEnvironment({ clusters: abc.slice(0, 2), services });
    const sim = simulation({ ...tight, leaving: withoutC.leaving }, [], deployed);
    const run = await runOnce(sim, tight.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "refused", run.outcome.reason);
    assert.match(run.outcome.reason ?? "", /not draining c: a cannot absorb c's share \(x1\.50\)/);
    assert.deepEqual(sim.stack.updates, []);
  });

  it("replaces c with d in one rollout: d added and ramped up first, c removed last", async () => {
    const sim = simulation(replaced, [], deployedAbc);
    const run = await runOnce(sim, replaced.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "succeeded", run.outcome.reason);
    const started = run.events.find((e) => e.event === "rollout-started");
    assert.ok(started?.event === "rollout-started");
    assert.deepEqual(
      started.steps.map((s) => [s.cluster, s.kind, s.replaces ?? s.replacedBy]),
      [
        ["d", "add", "c"],
        ["c", "remove", "d"],
      ],
    );
    assert.deepEqual(ramps(run.events), [
      ["d", "up", 10],
      ["d", "up", 50],
      ["d", "up", 100],
      ["c", "down", 50],
      ["c", "down", 10],
    ]);
    // Never fewer than N-1 clusters' worth of traffic: c gives up its share only once d has its own.
    for (const u of sim.stack.updates) {
      const serving = Object.entries(u.weights).filter(([, w]) => w > 0).length;
      assert.ok(serving >= 2, `${u.message}: only ${serving} cluster(s) serve`);
    }
    assert.deepEqual(
      sim.stack.clusters().map((c) => c.name),
      ["a", "b", "d"],
    );
    assertInvariants(sim);
  });

  it("never reports success while a cluster is pending: a rerun of a halted add goes on", async () => {
    const sim = simulation(withD, [{ cluster: "d", kind: "ramp-fails" }], deployedAbc);
    const halted = await runOnce(sim, withD.environment);
    assert.ok(halted.outcome !== "crashed" && halted.outcome.result === "halted");
    // The fault stays: a rerun ramps again from 10% and halts again; it never says "succeeded".
    const again = await runOnce(sim, withD.environment);
    assert.ok(again.outcome !== "crashed");
    assert.notEqual(again.outcome.result, "succeeded");
  });
});
