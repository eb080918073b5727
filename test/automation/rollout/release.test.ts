import * as assert from "node:assert/strict";
import { generationOf } from "../../../config/clusters";
import {
  api,
  assertInvariants,
  deployedWithOldImage,
  eventsOf,
  names,
  NEW,
  OLD,
  runOnce,
  simulatedEnvironment,
  simulation,
} from "./_simulation";

const imageOn = (sim: ReturnType<typeof simulation>) =>
  Object.fromEntries(
    sim.stack.clusters().map((c) => [c.name, c.settings?.services?.[0].image ?? "?"]),
  );

describe("aa rollout of a release (workloads only)", () => {
  let env: Awaited<ReturnType<typeof simulatedEnvironment>>;
  before(async () => {
    env = await simulatedEnvironment({ services: [api({ image: NEW })] });
  });

  it("ships the image cluster by cluster, canary first, without draining", async () => {
    const sim = simulation(env, [], deployedWithOldImage());
    const run = await runOnce(sim, env.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "succeeded", run.outcome.reason);
    assertInvariants(sim);

    const started = eventsOf(run, "step-started");
    assert.deepEqual(
      started.map((e) => [e.cluster, e.kind, e.canary, e.drains]),
      [
        ["a", "release", true, false],
        ["b", "release", false, false],
        ["c", "release", false, false],
      ],
    );
    assert.deepEqual(eventsOf(run, "drain"), [], "no cluster leaves service for a release");
    assert.ok(sim.stack.updates.every((u) => u.drained.length === 0));
    assert.deepEqual(imageOn(sim), { a: NEW, b: NEW, c: NEW });

    // The canary soaks in full before b is touched.
    const seq = names(run.events);
    const canarySoaked = run.events.findIndex(
      (e) => e.event === "step-finished" && e.cluster === "a",
    );
    const bStarts = run.events.findIndex((e) => e.event === "step-started" && e.cluster === "b");
    assert.ok(canarySoaked >= 0 && canarySoaked < bStarts, seq.join(" "));
    const rolloutStarted = eventsOf(run, "rollout-started")[0];
    assert.deepEqual(
      rolloutStarted.steps.map((s) => s.kind),
      ["release", "release", "release"],
    );
  });

  it("records that a release is in progress while it runs, and clears it at the end", async () => {
    const sim = simulation(env, [], deployedWithOldImage());
    await runOnce(sim, env.environment);
    const during = sim.stack.updates.filter((u) => u.directive.record !== null);
    assert.ok(during.length >= 3);
    for (const u of during) assert.deepEqual(u.directive.record?.kinds, ["release"]);
    assert.equal(sim.stack.updates.at(-1)?.directive.record, null);
  });

  it("halts on a failing gate in the canary, drains only the canary, and leaves the others untouched", async () => {
    const sim = simulation(env, [{ cluster: "a", kind: "gate-fails" }], deployedWithOldImage());
    const run = await runOnce(sim, env.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "halted");
    assert.match(run.outcome.reason ?? "", /cluster a did not pass health gate "deployments"/);
    assert.match(run.outcome.reason ?? "", /CrashLoopBackOff/);
    assertInvariants(sim);
    assert.deepEqual(imageOn(sim), { a: NEW, b: OLD, c: OLD });
    assert.deepEqual(
      sim.stack.clusters().map((c) => [c.name, c.weight]),
      [
        ["a", 0],
        ["b", 1],
        ["c", 1],
      ],
      "the failing canary is taken out of service; b and c keep serving, untouched",
    );
    assert.deepEqual(
      run.outcome.clusters.map((c) => [c.name, c.state]),
      [
        ["a", "drained"],
        ["b", "pending"],
        ["c", "pending"],
      ],
    );
    assert.deepEqual(
      eventsOf(run, "step-started").map((e) => e.cluster),
      ["a"],
      "no other cluster starts",
    );
    const record = (await sim.stack.readState()).rollout;
    assert.equal(record?.state, "halted");
    assert.deepEqual(record?.drained, ["a"]);
  });

  it("halts when the canary fails its soak, drained again, and b and c never start", async () => {
    const sim = simulation(env, [], deployedWithOldImage());
    let checks = 0;
    const flaky = {
      check: async (cluster: string) => {
        const gates = await sim.health.check(cluster);
        // The canary passes its health wait, then fails in the soak.
        if (cluster === "a" && imageOn(sim).a === NEW && ++checks > 6) {
          return [{ gate: "http-probe", cluster, ok: false, detail: "GET /healthz -> 503" }];
        }
        return gates;
      },
    };
    const run = await runOnce(sim, env.environment, { health: flaky });
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "halted");
    assert.match(run.outcome.reason ?? "", /while soaking/);
    assertInvariants(sim);
    assert.deepEqual(imageOn(sim), { a: NEW, b: OLD, c: OLD });
    assert.equal(sim.stack.clusters().find((c) => c.name === "a")?.weight, 0);
  });

  it("drains for releases too with --drain-releases", async () => {
    const sim = simulation(env, [], deployedWithOldImage());
    const run = await runOnce(sim, env.environment, { options: { drainReleases: true } });
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "succeeded", run.outcome.reason);
    assertInvariants(sim, { drainReleases: true });
    assert.deepEqual(
      eventsOf(run, "drain").map((e) => e.cluster),
      ["a", "b", "c"],
    );
  });

  it("resumes after a crash right after the canary's update: checks and soaks it before b", async () => {
    const sim = simulation(env, [{ cluster: "a", kind: "crash-after-up" }], deployedWithOldImage());
    const first = await runOnce(sim, env.environment);
    assert.equal(first.outcome, "crashed");
    const second = await runOnce(sim, env.environment);
    assert.ok(second.outcome !== "crashed");
    assert.equal(second.outcome.result, "succeeded", second.outcome.reason);
    const recovering = eventsOf(second, "recovering");
    assert.deepEqual(
      recovering.map((e) => e.cluster),
      ["a"],
    );
    const firstSoakOfA = second.events.findIndex((e) => e.event === "soak" && e.cluster === "a");
    const bStarts = second.events.findIndex((e) => e.event === "step-started" && e.cluster === "b");
    assert.ok(firstSoakOfA >= 0 && firstSoakOfA < bStarts);
    assertInvariants(sim);
    assert.deepEqual(imageOn(sim), { a: NEW, b: NEW, c: NEW });
  });

  it("reads outputs of an earlier version as the program does: nothing pending, every cluster done", async () => {
    // Settings recorded without the keys added since (services, namespace, cidr): those are
    // taken from the config, so the new image cannot be seen in this first update.
    const legacy = deployedWithOldImage().map((d) => {
      const settings = Object.fromEntries(
        Object.entries(d.settings ?? {}).filter(
          ([k]) => !["services", "namespace", "cidr"].includes(k),
        ),
      );
      return { ...d, settings, generation: generationOf(settings) };
    });
    const sim = simulation(env, [], legacy);
    const run = await runOnce(sim, env.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "succeeded", run.outcome.reason);
    assert.deepEqual(
      run.outcome.clusters.map((c) => c.state),
      ["done", "done", "done"],
    );
  });
});
