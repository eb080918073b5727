import * as assert from "node:assert/strict";
import fc from "fast-check";
import type { JudgeConfig } from "../../../../config/gates";
import {
  judgeMetric,
  median,
  type ClusterReading,
  type JudgeInput,
} from "../../../../automation/health/metrics/judge";

const QUERY = 'sum by (cluster) (rate(http_requests_total{code=~"5.."}[5m]))';

type Baseline = Extract<JudgeConfig, { type: "baseline" }>;
type Absolute = Extract<JudgeConfig, { type: "absolute" }>;

/** A baseline judge: 2x and +0.01, waiting for 100 samples, unless told otherwise. */
const baselineJudge = (o: Partial<Baseline> = {}): Baseline => ({
  type: "baseline",
  maxRatio: 2,
  maxDifference: 0.01,
  worse: "higher",
  minSamples: 100,
  ...o,
});

const absoluteJudge = (o: Partial<Absolute> = {}): Absolute => ({
  type: "absolute",
  max: 0.01,
  minSamples: 0,
  ...o,
});

const at = (cluster: string, value: number | undefined, samples = 1000): ClusterReading => ({
  cluster,
  ...(value !== undefined ? { value } : {}),
  samples,
});

/** The changed cluster "a" at `value` against b and c at 0.1%, unless told otherwise. */
const input = (o: Partial<JudgeInput> & { value?: number } = {}): JudgeInput => ({
  judge: baselineJudge(),
  changed: at("a", o.value ?? 0.001),
  baseline: [at("b", 0.001), at("c", 0.0012)],
  query: QUERY,
  ...o,
});

describe("judging a metric gate", () => {
  it("passes a cluster in line with its baseline, showing both values and the query", () => {
    const j = judgeMetric(input({ value: 0.0011 }));
    assert.equal(j.verdict, "pass");
    assert.equal(
      j.detail,
      `a 0.0011 (1000 samples) vs baseline 0.0011 (median of b 0.001, c 0.0012): within the limit 0.0111 (2x and +0.01); query: ${QUERY}`,
    );
    assert.deepEqual(j.baselineClusters, ["b", "c"]);
    assert.ok(Math.abs(j.baselineValue! - 0.0011) < 1e-12);
  });

  it("fails an error ratio of 5% against a baseline of 0.1%", () => {
    const j = judgeMetric(
      input({ changed: at("a", 0.05, 2400), baseline: [at("b", 0.001), at("c", 0.001)] }),
    );
    assert.equal(j.verdict, "fail");
    assert.equal(
      j.detail,
      `a 0.05 (2400 samples) vs baseline 0.001 (median of b 0.001, c 0.001): above the limit 0.011 (2x and +0.01); query: ${QUERY}`,
    );
    assert.equal(j.limit, 0.011);
  });

  it("fails only beyond both limits: a doubled tiny ratio is noise", () => {
    // 3x the baseline but only 0.002 above it: within +0.01.
    assert.equal(judgeMetric(input({ value: 0.0033 })).verdict, "pass");
    // With the ratio alone it fails.
    const ratioOnly = baselineJudge({ maxDifference: undefined });
    assert.equal(judgeMetric(input({ value: 0.0033, judge: ratioOnly })).verdict, "fail");
  });

  it("judges 'lower is worse' downwards", () => {
    const judge = baselineJudge({ worse: "lower", maxRatio: undefined, maxDifference: 0.02 });
    const base = [at("b", 0.999), at("c", 0.998)];
    assert.equal(judgeMetric(input({ judge, baseline: base, value: 0.99 })).verdict, "pass");
    const j = judgeMetric(input({ judge, baseline: base, value: 0.95 }));
    assert.equal(j.verdict, "fail");
    assert.match(j.detail, /: below the limit 0\.9785 \(-0\.02\);/);
  });

  it("waits while the changed cluster has too few samples, saying how many", () => {
    const j = judgeMetric(input({ changed: at("a", 0.5, 12) }));
    assert.equal(j.verdict, "wait");
    assert.equal(
      j.detail,
      `waiting: a has 12 samples in the window, fewer than 100; query: ${QUERY}`,
    );
    const uncounted = judgeMetric(input({ changed: { cluster: "a", value: 0.5 } }));
    assert.equal(uncounted.verdict, "wait");
    assert.match(uncounted.detail, /^waiting: a has no sample count in the window/);
  });

  it("leaves baseline clusters with too few samples out, and waits when none is left", () => {
    const j = judgeMetric(input({ baseline: [at("b", 0.001), at("c", 0.9, 3)], value: 0.05 }));
    assert.deepEqual(j.baselineClusters, ["b"]);
    assert.match(j.detail, /vs baseline 0\.001 \(median of b 0\.001; left out: c\): above/);
    const none = judgeMetric(input({ baseline: [at("b", 0.001, 3), at("c", undefined)] }));
    assert.equal(none.verdict, "wait");
    assert.match(none.detail, /but no other cluster has a value and 100 samples in the window;/);
  });

  it("waits when the changed cluster has no value", () => {
    const j = judgeMetric(input({ changed: { cluster: "a", samples: 500 } }));
    assert.equal(j.verdict, "wait");
    assert.match(j.detail, /^waiting: no value for a/);
  });

  it("judges an absolute threshold without a baseline", () => {
    const judge = absoluteJudge({ max: 0.01 });
    const pass = judgeMetric(input({ judge, baseline: [], value: 0.002 }));
    assert.equal(pass.verdict, "pass");
    assert.equal(pass.detail, `a 0.002 (1000 samples) is within max 0.01; query: ${QUERY}`);
    const fail = judgeMetric(input({ judge, baseline: [], value: 0.05 }));
    assert.equal(fail.detail, `a 0.05 (1000 samples) is above max 0.01; query: ${QUERY}`);
    const low = judgeMetric(
      input({ judge: absoluteJudge({ max: undefined, min: 0.99 }), value: 0.9 }),
    );
    assert.equal(low.verdict, "fail");
    assert.match(low.detail, /is below min 0\.99;/);
  });

  describe("properties", () => {
    const value = fc.double({ min: 0, max: 1e6, noNaN: true });
    const judges = fc
      .record({
        maxRatio: fc.option(fc.double({ min: 1, max: 100, noNaN: true }), { nil: undefined }),
        maxDifference: fc.option(fc.double({ min: 0, max: 1000, noNaN: true }), { nil: undefined }),
        worse: fc.constantFrom("higher" as const, "lower" as const),
      })
      .filter((j) => j.maxRatio !== undefined || j.maxDifference !== undefined);
    const baselines = fc.array(value, { minLength: 1, maxLength: 8 });

    it("a cluster exactly at the baseline passes", () => {
      fc.assert(
        fc.property(judges, baselines, (j, values) => {
          const base = values.map((v, i) => at(`b${i}`, v));
          const m = median(values);
          const out = judgeMetric(input({ judge: baselineJudge(j), baseline: base, value: m }));
          return out.verdict === "pass";
        }),
      );
    });

    it("worse than a failing value fails too", () => {
      fc.assert(
        fc.property(judges, baselines, value, value, (j, values, x, y) => {
          const judge = baselineJudge(j);
          const base = values.map((v, i) => at(`b${i}`, v));
          const [better, worse] =
            j.worse === "higher"
              ? [Math.min(x, y), Math.max(x, y)]
              : [Math.max(x, y), Math.min(x, y)];
          const a = judgeMetric(input({ judge, baseline: base, value: better }));
          const b = judgeMetric(input({ judge, baseline: base, value: worse }));
          return a.verdict !== "fail" || b.verdict === "fail";
        }),
      );
    });

    it("waits exactly when the changed cluster has fewer samples than the judge needs", () => {
      fc.assert(
        fc.property(fc.nat(1000), fc.nat(1000), value, (samples, minSamples, v) => {
          const out = judgeMetric(
            input({ judge: baselineJudge({ minSamples }), changed: at("a", v, samples) }),
          );
          return (out.verdict === "wait") === samples < minSamples;
        }),
      );
    });

    it("every detail is one line with the changed cluster and the query", () => {
      fc.assert(
        fc.property(judges, baselines, value, (j, values, v) => {
          const out = judgeMetric(
            input({
              judge: baselineJudge(j),
              baseline: values.map((x, i) => at(`b${i}`, x)),
              value: v,
            }),
          );
          return (
            !out.detail.includes("\n") &&
            /(^| )a /.test(out.detail) &&
            out.detail.endsWith(`; query: ${QUERY}`)
          );
        }),
      );
    });
  });
});
