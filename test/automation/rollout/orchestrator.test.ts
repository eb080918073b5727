import * as assert from "node:assert/strict";
import type { Evaluation } from "../../../automation/offline/evaluate";
import type { RolloutEvent } from "../../../automation/rollout/events";
import { runRollout } from "../../../automation/rollout/orchestrator";
import {
  LockTakenError,
  type ClusterHealth,
  type GateOutcome,
  type RolloutStack,
} from "../../../automation/rollout/ports";
import {
  isSimulatedCrash,
  SimulatedCrash,
} from "../../../automation/rollout/simulate/simulatedCrash";
import type { Simulation } from "../../../automation/rollout/simulate/simulation";
import type { Environment } from "../../../config/load";
import { clusterFixture, serviceFixture } from "../../_fixtures";
import {
  assertInvariants,
  changesPerCluster,
  names,
  runOnce,
  simulatedEnvironment,
  simulation,
} from "./_simulation";

describe("rollout orchestrator (simulated environment)", () => {
  let env: { environment: Environment; evaluation: Evaluation };

  before(async () => {
    env = await simulatedEnvironment();
  });

  it("upgrades every cluster one at a time: drain, preview, update, health, undrain, soak", async () => {
    const sim = simulation(env);
    const run = await runOnce(sim, env.environment);
    assert.notEqual(run.outcome, "crashed");
    if (run.outcome === "crashed") return;
    assert.equal(run.outcome.result, "succeeded");
    assert.deepEqual(run.outcome.clusters, [
      { name: "a", state: "done" },
      { name: "b", state: "done" },
      { name: "c", state: "done" },
    ]);
    assertInvariants(sim);
    assert.deepEqual(changesPerCluster(sim), { a: 1, b: 1, c: 1 });

    const forA = run.events
      .filter((e) => e.cluster === "a" && e.step === 1 && e.event !== "preflight-preview")
      .map((e) => e.event);
    const order = [
      "step-started",
      "precheck",
      "drain-check",
      "drain",
      "preview",
      "update-started",
      "update-finished",
      "health-wait",
      "undrain",
      "soak",
      "step-finished",
    ];
    assert.deepEqual(
      order.filter((name) => forA.includes(name as RolloutEvent["event"])),
      order,
    );
    assert.deepEqual(
      forA.filter((n, i) => forA.indexOf(n) === i),
      order,
      "a's events come in this order",
    );
    // The health of a changed cluster recovers over time, as a real upgrade does.
    const waits = run.events.filter((e) => e.event === "health-wait" && e.cluster === "a");
    assert.ok(waits.length > 1, "a is not healthy right after its update");
    assert.ok(waits.at(-1)!.event === "health-wait" && (waits.at(-1) as { ok: boolean }).ok);

    const state = await sim.stack.readState();
    assert.equal(state.rollout, null, "the rollout record is cleared at the end");
    assert.ok(state.clusters.every((c) => c.weight === 1 && c.kubernetesVersion === "1.33"));
    const last = run.events.at(-1)!;
    assert.equal(last.event, "rollout-finished");
  });

  it("has nothing to do when every cluster is at its desired settings", async () => {
    const first = simulation(env);
    await runOnce(first, env.environment);
    const sim = simulation(env, [], (await first.stack.readState()).clusters);
    const run = await runOnce(sim, env.environment);
    assert.ok(run.outcome !== "crashed" && run.outcome.result === "succeeded");
    assert.equal(sim.stack.updates.length, 0);
  });

  describe("faults", () => {
    it("gate-fails: halts with that cluster drained and the others serving, says which gate", async () => {
      const sim = simulation(env, [{ cluster: "b", kind: "gate-fails" }]);
      const run = await runOnce(sim, env.environment);
      assert.ok(run.outcome !== "crashed");
      assert.equal(run.outcome.result, "halted");
      assert.match(run.outcome.reason!, /cluster b did not pass health gate "nodes" within 600s/);
      assert.deepEqual(run.outcome.clusters, [
        { name: "a", state: "done" },
        { name: "b", state: "drained" },
        { name: "c", state: "pending" },
      ]);
      const state = await sim.stack.readState();
      assert.deepEqual(
        state.clusters.map((c) => c.weight),
        [1, 0, 1],
      );
      assert.equal(state.rollout?.state, "halted");
      assert.match(state.rollout?.reason ?? "", /health gate "nodes"/);
      assertInvariants(sim);
      assert.deepEqual(changesPerCluster(sim), { a: 1, b: 1 });
    });

    it("gate-fails, then fixed: a rerun resumes at b and never touches a again", async () => {
      const broken = simulation(env, [{ cluster: "b", kind: "gate-fails" }]);
      await runOnce(broken, env.environment);
      // Same stack, the cause fixed (healthy gates from now on).
      const fixed = simulation(env, [], (await broken.stack.readState()).clusters);
      // Carry the halted record over: the stack is the same one.
      const state = await broken.stack.readState();
      await fixed.stack.up(
        { drained: state.rollout!.drained, record: state.rollout },
        "carry over",
      );
      fixed.stack.updates.length = 0;
      const run = await runOnce(fixed, env.environment);
      assert.ok(run.outcome !== "crashed");
      assert.equal(run.outcome.result, "succeeded");
      assert.ok(names(run.events).includes("recovering"));
      assert.deepEqual(changesPerCluster(fixed), { c: 1 }, "a and b are not changed again");
      assertInvariants(fixed);
    });

    it("gate-hangs: a hanging gate fails at its timeout and the rollout halts", async () => {
      const sim = simulation(env, [{ cluster: "a", kind: "gate-hangs" }]);
      const run = await runOnce(sim, env.environment);
      assert.ok(run.outcome !== "crashed");
      assert.equal(run.outcome.result, "halted");
      assert.match(run.outcome.reason!, /no answer from \/readyz within 10s/);
      assert.deepEqual(
        run.outcome.clusters.map((c) => c.state),
        ["drained", "pending", "pending"],
      );
      assertInvariants(sim);
    });

    it("up-fails: halts with the cluster drained and runs no further update", async () => {
      const sim = simulation(env, [{ cluster: "b", kind: "up-fails" }]);
      const run = await runOnce(sim, env.environment);
      assert.ok(run.outcome !== "crashed");
      assert.equal(run.outcome.result, "halted");
      assert.match(run.outcome.reason!, /the update of cluster b failed/);
      assert.ok(names(run.events).includes("record-failed"));
      const updatesAfterFailure = sim.stack.updates.filter((u) => /halt/.test(u.message));
      assert.equal(updatesAfterFailure.length, 0, "no update after a failed update");
      const state = await sim.stack.readState();
      assert.deepEqual(state.rollout?.drained, ["b"], "the drain is recorded");
      assertInvariants(sim);
    });

    it("preview-touches-other: refused before any cluster is drained", async () => {
      const sim = simulation(env, [{ cluster: "c", kind: "preview-touches-other" }]);
      const run = await runOnce(sim, env.environment);
      assert.ok(run.outcome !== "crashed");
      assert.equal(run.outcome.result, "refused");
      assert.match(run.outcome.reason!, /the change for cluster c would also change .*cluster a/);
      assert.equal(sim.stack.updates.length, 0, "nothing was changed");
    });

    it("unhealthy-before: refuses to start, naming the cluster and the gate", async () => {
      const sim = simulation(env, [{ cluster: "b", kind: "unhealthy-before" }]);
      const run = await runOnce(sim, env.environment);
      assert.ok(run.outcome !== "crashed");
      assert.equal(run.outcome.result, "refused");
      assert.match(run.outcome.reason!, /cluster b fails health gate "system-pods": coredns 0\/2/);
      assert.equal(sim.stack.updates.length, 0);
    });

    for (const kind of ["crash-after-drain", "crash-after-up"] as const) {
      it(`${kind}: the rerun resumes and changes each cluster exactly once`, async () => {
        const sim = simulation(env, [{ cluster: "b", kind }]);
        const first = await runOnce(sim, env.environment);
        assert.equal(first.outcome, "crashed");
        const state = await sim.stack.readState();
        assert.deepEqual(state.rollout?.drained, ["b"], "b is left drained, as recorded");
        const second = await runOnce(sim, env.environment);
        assert.ok(second.outcome !== "crashed");
        assert.equal(second.outcome.result, "succeeded");
        assert.deepEqual(changesPerCluster(sim), { a: 1, b: 1, c: 1 });
        assertInvariants(sim);
      });
    }
  });

  it("resumes after a kill at every step boundary, changing each cluster exactly once", async () => {
    const clean = simulation(env);
    await runOnce(clean, env.environment);
    const boundaries = clean.stack.updates.length;
    assert.ok(boundaries >= 3 * 3 + 1);
    for (let k = 1; k <= boundaries; k++) {
      const sim = simulation(env);
      const dying = killAfter(sim.stack, k);
      const first = await runOnce(sim, env.environment, { stack: dying });
      assert.equal(first.outcome, "crashed", `kill after update ${k}`);
      const second = await runOnce(sim, env.environment);
      assert.ok(second.outcome !== "crashed");
      assert.equal(second.outcome.result, "succeeded", `resume after kill ${k}`);
      assert.deepEqual(changesPerCluster(sim), { a: 1, b: 1, c: 1 }, `kill after update ${k}`);
      assertInvariants(sim);
      assert.equal((await sim.stack.readState()).rollout, null);
    }
  });

  it("refuses a second concurrent rollout of the same environment, naming the holder", async () => {
    const sim = simulation(env);
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => (release = resolve));
    const slow: RolloutStack = {
      readState: () => sim.stack.readState(),
      preview: (d) => sim.stack.preview(d),
      up: async (d, m) => {
        await blocked;
        return sim.stack.up(d, m);
      },
    };
    const first = runOnce(sim, env.environment, { stack: slow });
    await new Promise((resolve) => setImmediate(resolve));
    const second = await runOnce(sim, env.environment);
    assert.ok(second.outcome !== "crashed");
    assert.equal(second.outcome.result, "refused");
    assert.match(second.outcome.reason!, /is being rolled out by test@sim since/);
    release();
    const done = await first;
    assert.ok(done.outcome !== "crashed" && done.outcome.result === "succeeded");
  });

  it("takes a two-minor upgrade as two passes, clusters never two minors apart", async () => {
    const twoMinors = await simulatedEnvironment({
      kubernetesVersion: "1.34",
      addons: {
        vpcCni: "v1.20.1-eksbuild.1",
        coredns: "v1.12.2-eksbuild.1",
        kubeProxy: "v1.34.0-eksbuild.1",
      },
    });
    const start = simulation(twoMinors).initial.map((c) => ({ ...c })); // at 1.33
    const from = simulation(
      twoMinors,
      [],
      simulation(env).initial, // the 1.33 environment one minor below: 1.32
    );
    void start;
    const run = await runOnce(from, twoMinors.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "succeeded", run.outcome.reason);
    const started = run.events.find((e) => e.event === "rollout-started");
    assert.ok(started && started.event === "rollout-started");
    assert.deepEqual(
      started.steps.map((s) => `${s.pass}${s.cluster}`),
      ["1a", "1b", "1c", "2a", "2b", "2c"],
    );
    assertInvariants(from);
    const versions = new Map(simulation(env).initial.map((c) => [c.name, 32]));
    for (const update of from.stack.updates) {
      const v = update.directive.advance?.settings.kubernetesVersion;
      if (v) versions.set(update.directive.advance!.cluster, Number(v.split(".")[1]));
      const all = [...versions.values()];
      assert.ok(Math.max(...all) - Math.min(...all) <= 1);
    }
  });
});

/** The stack, except that the process dies right after its k-th update. */
function killAfter(stack: RolloutStack, k: number): RolloutStack {
  let count = 0;
  return {
    readState: () => stack.readState(),
    preview: (d) => stack.preview(d),
    up: async (d, m) => {
      await stack.up(d, m);
      if (++count === k) {
        throw new SimulatedCrash(`after update ${k}`);
      }
    },
  };
}

describe("rollout orchestrator and a lost lock", () => {
  it("stops at once, changing nothing more, when another rollout took the lock", async () => {
    const env = await simulatedEnvironment();
    const sim = simulation(env);
    let ups = 0;
    const stealing: RolloutStack = {
      readState: () => sim.stack.readState(),
      preview: (d) => sim.stack.preview(d),
      up: async (d, m) => {
        await sim.stack.up(d, m);
        if (++ups === 2) {
          // Someone force-unlocked this rollout and started their own.
          sim.lock.forceUnlock();
          await sim.lock.acquire();
        }
      },
    };
    const run = await runOnce(sim, env.environment, { stack: stealing });
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "halted");
    assert.match(run.outcome.reason!, /no longer held by this rollout/);
    assert.equal(sim.stack.updates.length, 2, "no update after the lock was lost");
  });
});

describe("rollout orchestrator and the stack's fence", () => {
  /** A stack whose `n`-th update (1-based) is refused: another rollout updated first. */
  function fencedAt(sim: Simulation, n: number): RolloutStack {
    let ups = 0;
    return {
      readState: () => sim.stack.readState(),
      preview: (d) => sim.stack.preview(d),
      up: async (d, m) => {
        if (++ups === n) throw new LockTakenError("the stack refused the update: bob won");
        await sim.stack.up(d, m);
      },
    };
  }

  it("refuses, exit 5, when the very first update is refused: nothing was changed", async () => {
    const env = await simulatedEnvironment();
    const sim = simulation(env);
    const run = await runOnce(sim, env.environment, { stack: fencedAt(sim, 1) });
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "refused");
    assert.match(run.outcome.reason!, /bob won/);
    assert.equal(sim.stack.updates.length, 0);
  });

  it("stops as on a lost lock when a later update is refused, changing nothing more", async () => {
    const env = await simulatedEnvironment();
    const sim = simulation(env);
    const run = await runOnce(sim, env.environment, { stack: fencedAt(sim, 2) });
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "halted");
    assert.match(run.outcome.reason!, /bob won/);
    assert.equal(sim.stack.updates.length, 1, "nothing after the refused update");
  });
});

describe("rollout orchestrator and capacity", () => {
  it("refuses to drain a cluster the others could not absorb, with numbers, and drains nothing", async () => {
    // Fixed replicas (no autoscaling): the other clusters cannot take a third more traffic.
    const env = await simulatedEnvironment({ services: [serviceFixture()] });
    const sim = simulation(env);
    const run = await runOnce(sim, env.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "refused");
    assert.match(
      run.outcome.reason!,
      /not draining a: b cannot absorb a's share \(x1\.50\): api needs 3 replicas, it runs a fixed 2/,
    );
    assert.equal(sim.stack.updates.length, 0);
    assert.ok(names(run.events).includes("drain-check"));
  });
});

describe("rollout orchestrator and N-1 serving", () => {
  it("refuses to drain while another cluster is already at weight 0", async () => {
    const env = await simulatedEnvironment({
      clusters: [
        clusterFixture("a", 0),
        clusterFixture("b", 1),
        clusterFixture("c", 2, { weight: 0 }),
      ],
    });
    const sim = simulation(env);
    const run = await runOnce(sim, env.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "refused");
    assert.match(
      run.outcome.reason!,
      /not draining a: cluster c already has weight 0, so draining a would leave fewer than N-1/,
    );
    assert.equal(sim.stack.updates.length, 0);
  });
});

describe("rollout orchestrator and a process death", () => {
  let env: { environment: Environment; evaluation: Evaluation };

  before(async () => {
    env = await simulatedEnvironment();
  });

  /** One run on the simulation, with the deps' isProcessDeath as given. */
  function run(sim: Simulation, isProcessDeath?: (err: unknown) => boolean) {
    const events: RolloutEvent[] = [];
    const outcome = runRollout(
      {
        stack: sim.stack,
        health: sim.health,
        blastRadius: sim.blastRadius,
        lock: sim.lock,
        clock: sim.clock,
        emit: (e) => events.push(e),
        drainGates: [sim.capacity],
        ...(isProcessDeath ? { isProcessDeath } : {}),
      },
      {
        environment: env.environment.name,
        desired: sim.desired,
        config: env.environment.config,
        soakSeconds: 120,
        startedBy: "test@sim",
      },
    );
    return { outcome, events };
  }

  it("lets an error the deps call a process death through untouched: no halt, the lock still held", async () => {
    const sim = simulation(env, [{ cluster: "b", kind: "crash-after-up" }]);
    const { outcome, events } = run(sim, isSimulatedCrash);
    await assert.rejects(outcome, SimulatedCrash);
    assert.equal(sim.stack.updates.at(-1)?.changed[0], "b", "the last update is b's own");
    assert.ok(!names(events).includes("halted") && !names(events).includes("rollout-finished"));
    await assert.rejects(sim.lock.acquire(), /is being rolled out by test@sim/);
  });

  it("takes the same error for a failed update when the deps say nothing of process deaths", async () => {
    const sim = simulation(env, [{ cluster: "b", kind: "crash-after-up" }]);
    const { outcome, events } = run(sim);
    const result = await outcome;
    assert.equal(result.result, "halted");
    assert.match(
      result.reason!,
      /the update of cluster b failed: simulated crash after up of cluster b/,
    );
    assert.ok(names(events).includes("record-failed"));
    await sim.lock.acquire(); // released
  });
});

describe("rollout orchestrator and the shared health wait", () => {
  let env: { environment: Environment; evaluation: Evaluation };

  before(async () => {
    env = await simulatedEnvironment();
  });

  /** When each cluster's update finished, on the simulation's clock. */
  const updatedAt = (events: RolloutEvent[], cluster: string) =>
    Date.parse(events.find((e) => e.event === "update-finished" && e.cluster === cluster)!.at);

  it("gives each health-wait round the time left before the deadline, and soak rounds none", async () => {
    const sim = simulation(env);
    const calls: { cluster: string; at: number; maxTimeoutMs?: number }[] = [];
    const recording: ClusterHealth = {
      check: (cluster, opts) => {
        calls.push({ cluster, at: sim.clock.now(), maxTimeoutMs: opts?.maxTimeoutMs });
        return sim.health.check(cluster);
      },
    };
    const run = await runOnce(sim, env.environment, { health: recording });
    assert.ok(run.outcome !== "crashed" && run.outcome.result === "succeeded");
    const capped = calls.filter((c) => c.maxTimeoutMs !== undefined);
    assert.equal(capped.length, run.events.filter((e) => e.event === "health-wait").length);
    for (const call of capped) {
      assert.equal(
        call.at + call.maxTimeoutMs!,
        updatedAt(run.events, call.cluster) + 600_000,
        "the deadline is 600 s after the update",
      );
    }
    const soaks = run.events.filter((e) => e.event === "soak").length;
    const prechecks = run.events.filter((e) => e.event === "precheck").length;
    assert.equal(calls.length - capped.length, soaks + 3 * prechecks, "3 clusters per pre-check");
  });

  it("halts at the deadline when a check hangs until its time is up", async () => {
    const sim = simulation(env);
    // After its update, b's API server stops answering: each check takes all the time it has.
    const hanging: ClusterHealth = {
      check: async (cluster, opts): Promise<GateOutcome[]> => {
        if (cluster !== "b" || !sim.stack.updates.some((u) => u.changed.includes("b"))) {
          return sim.health.check(cluster);
        }
        const ms = opts?.maxTimeoutMs ?? 10_000;
        await sim.clock.sleep(ms);
        return [{ gate: "api-server", cluster, ok: false, detail: `no answer within ${ms} ms` }];
      },
    };
    const run = await runOnce(sim, env.environment, { health: hanging });
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "halted");
    assert.equal(
      run.outcome.reason,
      'cluster b did not pass health gate "api-server" within 600s: no answer within 600000 ms',
    );
    const waits = run.events.filter((e) => e.event === "health-wait" && e.cluster === "b");
    assert.deepEqual(
      waits.map((e) => e.event === "health-wait" && e.attempt),
      [1],
      "one round, cut at the deadline",
    );
    const halted = run.events.find((e) => e.event === "halted")!;
    assert.equal(Date.parse(halted.at) - updatedAt(run.events, "b"), 600_000);
  });
});
