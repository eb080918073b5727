import * as assert from "node:assert/strict";
import fc from "fast-check";
import {
  NEW_STREAK,
  nextStreak,
  type MetricStreak,
  type MetricVerdict,
} from "../../../../automation/health/metrics/streak";

const fold = (verdicts: MetricVerdict[], limit: number): MetricStreak =>
  verdicts.reduce((s, v) => nextStreak(s, v, limit), NEW_STREAK);

describe("consecutive failures of a metric gate", () => {
  it("waits before the first check", () => {
    assert.deepEqual(NEW_STREAK, { status: "waiting", failures: 0 });
  });

  it("fails the gate at the third failure in a row, and stays failed", () => {
    assert.deepEqual(fold(["fail", "fail"], 3), { status: "failing", failures: 2 });
    assert.deepEqual(fold(["fail", "fail", "fail"], 3), { status: "failed", failures: 3 });
    assert.deepEqual(fold(["fail", "fail", "fail", "pass"], 3), { status: "failed", failures: 3 });
  });

  it("starts counting again after a pass", () => {
    assert.deepEqual(fold(["fail", "fail", "pass", "fail"], 3), { status: "failing", failures: 1 });
  });

  it("counts an error (no answer) as a failure: a Prometheus that is down fails the gate", () => {
    assert.deepEqual(fold(["error", "error", "error"], 3).status, "failed");
  });

  it("neither counts nor forgives a wait between failures", () => {
    assert.deepEqual(fold(["fail", "wait", "fail"], 3), { status: "failing", failures: 2 });
    assert.deepEqual(fold(["fail", "wait"], 3), { status: "waiting", failures: 1 });
    assert.deepEqual(fold(["fail", "wait", "fail", "wait", "fail"], 3).status, "failed");
  });

  it("fails exactly when some run of failures, waits aside, reaches the limit", () => {
    const verdicts = fc.array(fc.constantFrom<MetricVerdict>("pass", "fail", "wait", "error"), {
      maxLength: 40,
    });
    fc.assert(
      fc.property(verdicts, fc.integer({ min: 1, max: 6 }), (vs, limit) => {
        let run = 0;
        let longest = 0;
        for (const v of vs) {
          if (v === "pass") run = 0;
          else if (v !== "wait") longest = Math.max(longest, ++run);
        }
        return (fold(vs, limit).status === "failed") === longest >= limit;
      }),
    );
  });
});
