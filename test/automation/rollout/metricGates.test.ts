import * as assert from "node:assert/strict";
import type { GateOutcome, MetricGates } from "../../../automation/rollout/ports";
import { evaluateLeaving } from "../../../automation/rollout/simulate/leaving";
import { simulatedGates } from "../../../automation/rollout/simulate/simulatedMetrics";
import type { DeployedCluster } from "../../../config/rolloutState";
import {
  clusterFixture,
  deployedFrom,
  environmentFixture,
  serviceFixture,
  stackConfigFixture,
} from "../../_fixtures";
import {
  api,
  assertInvariants,
  deployedWithOldImage,
  eventsOf,
  NEW,
  OLD,
  runOnce,
  simulatedEnvironment,
  simulation,
} from "./_simulation";

/**
 * Metric gates in a rollout, on the simulated environment: the real gates and judging over
 * simulated metrics (faults `metrics-degrade`, `metrics-latency`), and scripted ports for the
 * cases the simulation does not produce (a gate that never gets samples, one that recovers).
 */

const metricOutcomes = (gates: GateOutcome[]) => gates.filter((g) => g.metric !== undefined);

/** A port with one gate whose verdict per cluster and check comes from `verdict`. */
function scriptedMetrics(
  verdict: (cluster: string, check: number) => "pass" | "fail" | "wait",
  consecutiveFailures = 1,
): MetricGates & { checked: string[] } {
  const counts = new Map<string, number>();
  const checked: string[] = [];
  return {
    checked,
    gates: [{ gate: "metric:errors", intervalMs: 30_000, consecutiveFailures }],
    check: (cluster, gates) => {
      const n = (counts.get(cluster) ?? 0) + 1;
      counts.set(cluster, n);
      checked.push(cluster);
      const v = verdict(cluster, n);
      return Promise.resolve(
        gates.map((gate) => ({
          gate,
          cluster,
          ok: v === "pass",
          detail: `${cluster} check ${n}: ${v}; query: errors`,
          metric: { verdict: v, query: "errors" },
        })),
      );
    },
  };
}

describe("rollout with metric gates (simulated)", () => {
  let release: Awaited<ReturnType<typeof simulatedEnvironment>>;
  let upgrade: Awaited<ReturnType<typeof simulatedEnvironment>>;

  before(async () => {
    release = await simulatedEnvironment({ services: [api({ image: NEW })] });
    upgrade = await simulatedEnvironment();
  });

  it("rehearses the default pair per service when the environment declares no gates", () => {
    const gates = simulatedGates(upgrade.environment.config);
    assert.equal(gates.assumed, true);
    assert.deepEqual(
      gates.specs.map((s) => s.name),
      ["api-error-ratio", "api-latency-p99"],
    );
    assert.ok(simulation(upgrade).metrics, "the simulation has the metric gates");
  });

  it("passes a healthy rollout, every soak judged by the metric gates against the others", async () => {
    const sim = simulation(upgrade);
    const run = await runOnce(sim, upgrade.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "succeeded", run.outcome.reason);
    const soaks = eventsOf(run, "soak");
    const last = soaks.filter((e) => e.cluster === "b").at(-1)!;
    const metrics = metricOutcomes(last.gates);
    assert.deepEqual(
      metrics.map((g) => [g.gate, g.ok, g.metric?.status, g.metric?.verdict]),
      [
        ["metric:api-error-ratio", true, "passing", "pass"],
        ["metric:api-latency-p99", true, "passing", "pass"],
      ],
    );
    // b is compared with the clusters serving besides it: a and c.
    assert.deepEqual(metrics[0].metric?.baselineClusters, ["a", "c"]);
    assert.ok((metrics[0].metric?.samples ?? 0) >= 100);
    // Drained, a cluster serves nothing: its metric gates wait, and do not hold the health wait.
    const waited = eventsOf(run, "health-wait").find((e) => e.cluster === "a" && e.ok)!;
    assert.deepEqual(
      metricOutcomes(waited.gates).map((g) => [g.ok, g.metric?.status, g.metric?.samples]),
      [
        [true, "waiting", 0],
        [true, "waiting", 0],
      ],
    );
  });

  it("never asks the metric gates before the readiness gates of the round pass", async () => {
    const sim = simulation(upgrade);
    const run = await runOnce(sim, upgrade.environment);
    for (const e of [...eventsOf(run, "health-wait"), ...eventsOf(run, "soak")]) {
      const ready = e.gates.filter((g) => !g.metric);
      if (ready.some((g) => !g.ok)) assert.deepEqual(metricOutcomes(e.gates), [], e.event);
    }
    // The pre-check asks readiness only: nothing has changed yet to compare.
    for (const e of eventsOf(run, "precheck")) assert.deepEqual(metricOutcomes(e.gates), []);
  });

  it("metrics-degrade halts a release in its canary, which stays the only cluster touched", async () => {
    const sim = simulation(
      release,
      [{ cluster: "a", kind: "metrics-degrade" }],
      deployedWithOldImage(),
    );
    const run = await runOnce(sim, release.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "halted");
    assertInvariants(sim);
    const halted = eventsOf(run, "halted")[0];
    assert.equal(halted.cluster, "a");
    assert.equal(halted.gate, "metric:api-error-ratio");
    // The changed cluster's value, the baseline's and the query.
    assert.match(
      halted.reason,
      /^cluster a failed health gate "metric:api-error-ratio" while soaking: a 0\.05 \(\d+ samples\) vs baseline 0\.00\d+ \(median of b 0\.00\d+, c 0\.00\d+\): above the limit 0\.01\d* \(2x and \+0\.01\) \(3 failing checks in a row\); query: .*http_requests_total\{service="api", code=~"5\.\."\}.*; drained it$/,
    );
    const images = Object.fromEntries(
      sim.stack.clusters().map((c) => [c.name, c.settings?.services?.[0].image]),
    );
    assert.deepEqual({ b: images.b, c: images.c }, { b: OLD, c: OLD }, "b and c untouched");
    const byName = new Map(sim.stack.clusters().map((c) => [c.name, c]));
    assert.ok(byName.get("b")!.weight > 0 && byName.get("c")!.weight > 0, "b and c serve");
    assert.deepEqual(
      eventsOf(run, "step-started").map((e) => e.cluster),
      ["a"],
      "no other step started",
    );
    assert.deepEqual(
      run.outcome.clusters.map((c) => `${c.name}=${c.state}`),
      ["a=drained", "b=pending", "c=pending"],
    );
  });

  it("ends a health wait at once on a metric gate that failed, instead of waiting out the timeout", async () => {
    const sim = simulation(release, [], deployedWithOldImage());
    const metrics = scriptedMetrics((cluster) => (cluster === "a" ? "fail" : "pass"));
    const run = await runOnce(sim, release.environment, { metrics });
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "halted");
    const halted = eventsOf(run, "halted")[0];
    assert.equal(
      halted.reason,
      'cluster a failed health gate "metric:errors": a check 1: fail (1 failing check); query: errors',
    );
    const waits = eventsOf(run, "health-wait");
    assert.equal(waits.at(-1)!.ok, false);
    // It ended on the round that failed, long before the 600 s health timeout.
    assert.ok(waits.at(-1)!.elapsedMs - waits[0].elapsedMs < 300_000);
    assert.deepEqual(eventsOf(run, "soak"), []);
  });

  it("metrics-latency halts an upgrade in its soak and drains the cluster again", async () => {
    const sim = simulation(upgrade, [{ cluster: "b", kind: "metrics-latency" }]);
    const run = await runOnce(sim, upgrade.environment);
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "halted");
    assertInvariants(sim);
    const halted = eventsOf(run, "halted")[0];
    assert.equal(halted.gate, "metric:api-latency-p99");
    assert.match(
      halted.reason,
      /^cluster b failed health gate "metric:api-latency-p99" while soaking: b 1\.0\d+ \(\d+ samples\) vs baseline 0\.2\d+ \(median of a 0\.2\d+, c 0\.2\d+\): above the limit 0\.3\d+ \(1\.5x and \+0\.1\) \(3 failing checks in a row\); query: histogram_quantile\(0\.99, .*; drained it again$/,
    );
    // One bad reading did not halt it: the soak went on through two failing checks first.
    const failing = eventsOf(run, "soak").filter((e) =>
      e.gates.some((g) => g.metric?.status === "failing"),
    );
    assert.equal(failing.length >= 2, true);
    assert.deepEqual(
      run.outcome.clusters.map((c) => `${c.name}=${c.state}`),
      ["a=done", "b=drained", "c=pending"],
    );
  });

  it("goes on soaking past the window until a waiting metric gate judges, then passes", async () => {
    const sim = simulation(upgrade);
    // Samples arrive only from a cluster's 8th check on (4 minutes of checks at 30 s).
    const metrics = scriptedMetrics((_c, n) => (n < 8 ? "wait" : "pass"));
    const run = await runOnce(sim, upgrade.environment, { metrics, options: { soakSeconds: 60 } });
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "succeeded", run.outcome.reason);
    const aSoak = eventsOf(run, "soak").filter((e) => e.cluster === "a");
    const overtime = aSoak.filter((e) => e.remainingSeconds === 0);
    assert.ok(overtime.length > 1, "rounds after the window");
    assert.equal(metricOutcomes(aSoak.at(-1)!.gates)[0].metric?.status, "passing");
  });

  it("halts, the cluster drained again, when a metric gate cannot judge by the health timeout", async () => {
    const sim = simulation(upgrade);
    const metrics = scriptedMetrics(() => "wait");
    const run = await runOnce(sim, upgrade.environment, {
      metrics,
      options: { soakSeconds: 60, healthTimeoutSeconds: 300 },
    });
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "halted");
    const halted = eventsOf(run, "halted")[0];
    assert.equal(halted.cluster, "a");
    assert.match(
      halted.reason,
      /^cluster a could not be judged by health gate "metric:errors" within 300s after its 60s soak: a check \d+: wait; query: errors; drained it again$/,
    );
  });

  it("a gate failing fewer checks in a row than fail it, then passing, does not halt", async () => {
    const sim = simulation(upgrade);
    const metrics = scriptedMetrics((_c, n) => (n === 2 || n === 3 ? "fail" : "pass"), 3);
    const run = await runOnce(sim, upgrade.environment, { metrics });
    assert.ok(run.outcome !== "crashed");
    assert.equal(run.outcome.result, "succeeded", run.outcome.reason);
  });

  describe("traffic ramps", () => {
    const abc = ["a", "b", "c"].map((n, i) => clusterFixture(n, i));
    let deployedAbc: DeployedCluster[];
    let withD: Awaited<ReturnType<typeof simulatedEnvironment>>;
    let withoutC: Awaited<ReturnType<typeof simulatedEnvironment>> & {
      leaving: Awaited<ReturnType<typeof evaluateLeaving>>;
    };

    before(async () => {
      deployedAbc = deployedFrom(upgrade.evaluation.clusters);
      withD = await simulatedEnvironment({ clusters: [...abc, clusterFixture("d", 3)] });
      const two = await simulatedEnvironment({ clusters: abc.slice(0, 2) });
      const raw = environmentFixture({
        services: [serviceFixture({ autoscaling: { maxReplicas: 4 } })],
        clusters: abc.slice(0, 2),
      });
      const leaving = await evaluateLeaving(
        {
          project: "active-active",
          stack: "sim",
          config: stackConfigFixture(raw),
          source: "test",
          configured: ["a", "b"],
        },
        deployedAbc,
      );
      withoutC = { ...two, leaving };
    });

    it("a new cluster whose errors rise as it ramps up goes back to 0%", async () => {
      const sim = simulation(withD, [{ cluster: "d", kind: "metrics-degrade" }], deployedAbc);
      const run = await runOnce(sim, withD.environment);
      assert.ok(run.outcome !== "crashed");
      assert.equal(run.outcome.result, "halted");
      const halted = eventsOf(run, "halted")[0];
      assert.equal(halted.cluster, "d");
      assert.match(
        halted.reason,
        /^cluster d failed health gate "metric:api-error-ratio" at \d+% of its traffic: d 0\.05 .*; ramped it back to 0%, the other clusters serve$/,
      );
      assert.equal(sim.stack.rampOf("d"), 0);
    });

    it("the clusters taking a leaving cluster's traffic are judged by their metric gates too", async () => {
      const sim = simulation(withoutC, [], deployedAbc);
      const metrics = scriptedMetrics((cluster) => (cluster === "a" ? "fail" : "pass"));
      const run = await runOnce(sim, withoutC.environment, { metrics });
      assert.ok(run.outcome !== "crashed");
      assert.equal(run.outcome.result, "halted");
      const halted = eventsOf(run, "halted")[0];
      assert.match(
        halted.reason,
        /^cluster a fails health gate "metric:errors" after taking more of c's traffic: a check 1: fail \(1 failing check\); query: errors; c has its full weight back$/,
      );
      assert.equal(sim.stack.rampOf("c"), 100);
      assert.ok(metrics.checked.includes("b"));
    });
  });
});
