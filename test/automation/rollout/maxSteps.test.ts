import * as assert from "node:assert/strict";
import type { Evaluation } from "../../../automation/offline/evaluate";
import type { Environment } from "../../../config/load";
import { serviceFixture } from "../../_fixtures";
import {
  assertInvariants,
  changesPerCluster,
  names,
  runOnce,
  simulatedEnvironment,
  simulation,
  type Run,
} from "./_simulation";

/** The stack's updates that changed a cluster, as "cluster:kind", in order. */
const changes = (sim: ReturnType<typeof simulation>) =>
  sim.stack.updates.flatMap((u) => u.changed.map((c) => `${c}:${u.kinds[c]}`));

describe("aa rollout --max-steps: a step at a time, resumed by the next run", () => {
  let env: { environment: Environment; evaluation: Evaluation };

  before(async () => {
    env = await simulatedEnvironment();
  });

  it("three runs of one step each do what one full rollout does", async () => {
    const full = simulation(env);
    const whole = await runOnce(full, env.environment);
    assert.ok(whole.outcome !== "crashed" && whole.outcome.result === "succeeded");

    const stepped = simulation(env);
    const runs: Run[] = [];
    for (let i = 0; i < 3; i++) {
      runs.push(await runOnce(stepped, env.environment, { options: { maxSteps: 1 } }));
    }
    const results = runs.map((r) => (r.outcome === "crashed" ? "crashed" : r.outcome.result));
    assert.deepEqual(results, ["paused", "paused", "succeeded"]);
    // The same clusters changed in the same order, each once, and the same end state.
    assert.deepEqual(changes(stepped), changes(full));
    assert.deepEqual(changesPerCluster(stepped), { a: 1, b: 1, c: 1 });
    assert.deepEqual(await stepped.stack.readState(), await full.stack.readState());
    assertInvariants(stepped);
    // Each pause names the next cluster and leaves every cluster serving, the lock free.
    for (const [i, next] of [
      [0, "b"],
      [1, "c"],
    ] as const) {
      const outcome = runs[i].outcome;
      assert.ok(outcome !== "crashed");
      assert.equal(outcome.next, next);
      assert.match(
        outcome.reason ?? "",
        new RegExp(`after 1 step \\(--max-steps 1\\); next: step \\d, upgrade of cluster ${next}`),
      );
      assert.ok(outcome.clusters.every((c) => c.state !== "drained"));
      const finished = runs[i].events.at(-1);
      assert.ok(finished?.event === "rollout-finished" && finished.result === "paused");
      assert.equal(finished.next, next);
    }
    // A resumed run does not soak the paused cluster again: it starts with the next step.
    assert.ok(!names(runs[1].events).includes("recovering"));
    const started = runs[1].events.find((e) => e.event === "rollout-started");
    assert.ok(started?.event === "rollout-started" && started.resumed);
  });

  it("pauses a release after its canary, and the next run goes on with the others", async () => {
    const release = await simulatedEnvironment({
      services: [
        serviceFixture({ autoscaling: { maxReplicas: 4 }, image: "ghcr.io/acme/api:2.0.0" }),
      ],
    });
    // Deployed: every cluster upgraded already; the new image is all that is left.
    const upgraded = simulation(env);
    await runOnce(upgraded, env.environment);
    const sim = simulation(release, [], (await upgraded.stack.readState()).clusters);
    const first = await runOnce(sim, release.environment, { options: { maxSteps: 1 } });
    assert.ok(first.outcome !== "crashed");
    assert.equal(first.outcome.result, "paused");
    const canary = first.events.find((e) => e.event === "step-started");
    assert.ok(canary?.event === "step-started" && canary.kind === "release" && canary.canary);
    const rest = await runOnce(sim, release.environment);
    assert.ok(rest.outcome !== "crashed");
    assert.equal(rest.outcome.result, "succeeded");
    assertInvariants(sim);
  });

  it("with more steps allowed than the plan has, runs to the end", async () => {
    const sim = simulation(env);
    const run = await runOnce(sim, env.environment, { options: { maxSteps: 10 } });
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "succeeded");
    assert.equal(run.outcome.next, undefined);
  });
});
