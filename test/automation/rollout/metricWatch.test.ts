import * as assert from "node:assert/strict";
import { metricFinal, metricSettled, MetricWatch } from "../../../automation/rollout/metricWatch";
import type { MetricGates, MetricReading } from "../../../automation/rollout/ports";
import type { MetricVerdict } from "../../../automation/health/metrics/streak";
import { fakeClock } from "../health/_fakeClock";

const QUERY = "sum by (cluster) (rate(errors[5m]))";

/** A port whose verdicts come from a script per gate; it records every check. */
function scriptedPort(
  scripts: Record<string, MetricVerdict[]>,
  info: { intervalMs: number; consecutiveFailures: number } = {
    intervalMs: 30_000,
    consecutiveFailures: 3,
  },
): MetricGates & { checks: string[][] } {
  const calls = new Map<string, number>();
  const checks: string[][] = [];
  return {
    checks,
    gates: Object.keys(scripts).map((gate) => ({ gate, ...info })),
    check: (cluster, gates) => {
      checks.push([...gates]);
      return Promise.resolve(
        gates.map((gate) => {
          const n = calls.get(gate) ?? 0;
          calls.set(gate, n + 1);
          const script = scripts[gate];
          const verdict = script[Math.min(n, script.length - 1)];
          const metric: MetricReading = { verdict, query: QUERY, value: n, samples: 500 };
          return {
            gate,
            cluster,
            ok: verdict === "pass",
            detail: `${cluster} ${n} (500 samples) vs baseline 0.001; query: ${QUERY}`,
            metric,
          };
        }),
      );
    },
  };
}

describe("MetricWatch: metric gates over the rounds of one step", () => {
  it("checks a gate once per its interval, repeating its last outcome in between", async () => {
    const clock = fakeClock();
    const port = scriptedPort({ "metric:errors": ["pass"] });
    const watch = new MetricWatch(port, clock);
    for (let i = 0; i < 5; i++) {
      await watch.round("a");
      clock.advance(15_000);
    }
    // Rounds at 0, 15, 30, 45 and 60 s with a 30 s interval: checks at 0, 30 and 60 s.
    assert.equal(port.checks.length, 3);
  });

  it("keeps a cluster going on one failing reading, and stops it at the third in a row", async () => {
    const clock = fakeClock();
    const port = scriptedPort({ "metric:errors": ["fail", "fail", "fail"] });
    const watch = new MetricWatch(port, clock);
    const statuses: [boolean, string | undefined, string][] = [];
    for (let i = 0; i < 3; i++) {
      const [o] = await watch.round("a");
      statuses.push([o.ok, o.metric?.status, o.detail]);
      clock.advance(30_000);
    }
    assert.deepEqual(
      statuses.map(([ok, status]) => [ok, status]),
      [
        [true, "failing"],
        [true, "failing"],
        [false, "failed"],
      ],
    );
    // Where it stands goes before the query, which stays last.
    assert.match(statuses[0][2], /\(1 of 3 failing checks in a row\); query: sum by/);
    assert.match(statuses[2][2], /\(3 failing checks in a row\); query: sum by/);
    assert.equal(metricFinal((await watch.round("a"))[0]), true);
  });

  it("does not count a wait as a pass: failures on either side of a gap add up", async () => {
    const clock = fakeClock();
    const port = scriptedPort({ "metric:errors": ["fail", "wait", "fail", "error"] });
    const watch = new MetricWatch(port, clock);
    const seen: (string | undefined)[] = [];
    for (let i = 0; i < 4; i++) {
      seen.push((await watch.round("a"))[0].metric?.status);
      clock.advance(30_000);
    }
    assert.deepEqual(seen, ["failing", "waiting", "failing", "failed"]);
  });

  it("resets the count on a pass, and keeps one streak per cluster", async () => {
    const clock = fakeClock();
    const port = scriptedPort({ "metric:errors": ["fail", "fail", "pass", "fail"] });
    const watch = new MetricWatch(port, clock);
    const a = [];
    for (let i = 0; i < 4; i++) {
      a.push((await watch.round("a"))[0].metric);
      clock.advance(30_000);
    }
    assert.deepEqual(
      a.map((m) => [m?.status, m?.failures]),
      [
        ["failing", 1],
        ["failing", 2],
        ["passing", 0],
        ["failing", 1],
      ],
    );
    // Cluster b starts its own streak (its reading is the script's next: "fail").
    const [b] = await watch.round("b");
    assert.deepEqual([b.metric?.status, b.metric?.failures], ["failing", 1]);
  });

  it("settles only a metric gate whose last check passed", () => {
    const base = { gate: "metric:x", cluster: "a", ok: true, detail: "" };
    const standing = (status: "passing" | "waiting" | "failing") => ({
      ...base,
      metric: {
        verdict: "pass" as const,
        query: QUERY,
        status,
        failures: 0,
        consecutiveFailures: 3,
      },
    });
    assert.equal(metricSettled({ ...base, gate: "nodes" }), true);
    assert.equal(metricSettled(standing("passing")), true);
    assert.equal(metricSettled(standing("waiting")), false);
    assert.equal(metricSettled(standing("failing")), false);
  });

  it("counts a gate the port left out of its answer as an error", async () => {
    const clock = fakeClock();
    const port: MetricGates = {
      gates: [{ gate: "metric:x", intervalMs: 1000, consecutiveFailures: 1 }],
      check: () => Promise.resolve([]),
    };
    const [o] = await new MetricWatch(port, clock).round("a");
    assert.equal(o.ok, false);
    assert.equal(o.metric?.verdict, "error");
    assert.match(o.detail, /metric:x gave no answer for a \(1 failing check\)/);
  });

  it("reads a port that throws despite its contract as an error, never a pass", async () => {
    const port: MetricGates = {
      gates: [{ gate: "metric:x", intervalMs: 1000, consecutiveFailures: 3 }],
      check: () => Promise.reject(new Error("kubeconfigs output unreadable")),
    };
    const [o] = await new MetricWatch(port, fakeClock()).round("a");
    assert.equal(o.metric?.verdict, "error");
    assert.equal(o.metric?.status, "failing");
    assert.match(o.detail, /^metric:x could not be read: kubeconfigs output unreadable \(1 of 3/);
  });
});
