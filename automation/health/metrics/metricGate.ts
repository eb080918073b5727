import type { MetricGateSpec } from "../../../config/metricGates";
import type { HealthGate } from "../gate";
import { guardedGate } from "../guard";
import { judgeMetric, type ClusterReading, type Judged } from "./judge";
import { isError, type MetricSource } from "./source";

/** What a metric gate observed in one check: plain data, safe to print and send as an event. */
export interface MetricObserved {
  /** The gate's name in the config, e.g. "api-error-ratio". */
  metricGate: string;
  /**
   * `pass`, `fail`, `wait` (too few samples, or no value yet: check again) or `error` (no usable
   * answer: the gate does not pass). Fold it with `nextStreak()` (./streak.ts) over the checks.
   */
  verdict: Judged | "error";
  /** How many failing checks in a row fail the gate (`consecutiveFailures`). */
  consecutiveFailures: number;
  /** The query as shown in the detail. */
  query: string;
  /** The changed cluster's reading. */
  changed: ClusterReading;
  /** The other clusters' readings (or why there is none), as read. */
  baseline: (
    { cluster: string; value?: number; samples?: number } | { cluster: string; error: string }
  )[];
  /** The median the changed cluster was compared with (baseline judge). */
  baselineValue?: number;
  /** The value beyond which the changed cluster fails. */
  limit?: number;
  /** The baseline clusters judged against: those with a value and enough samples. */
  baselineClusters?: string[];
}

/** Arguments of {@link metricGate}. */
export interface MetricGateArgs {
  /** The gate, from `metricGates(config)` (config/metricGates.ts). */
  spec: MetricGateSpec;
  /** Where its values come from: `prometheusSource` or `cloudwatchSource`, for `spec.metric`. */
  source: MetricSource;
  /** Timeout of one check, milliseconds. @default 15000 */
  timeoutMs?: number;
}

/**
 * A metric gate, `metric:<name>`: reads the gate's query for the checked cluster and for the
 * other clusters of the environment (`target.peers`) in one go, and judges the checked cluster
 * alone (absolute) or against their median (baseline). Passes only on a `pass` verdict:
 *  - `fail` is `failure: "unhealthy"`, with the detail naming the cluster's value, the
 *    baseline's and the query;
 *  - `wait` (too few samples, no value yet, no baseline) is `failure: "waiting"`;
 *  - no usable answer for the checked cluster (Prometheus down, an API error) is
 *    `failure: "error"`: a gate never passes without an answer. A baseline cluster without one is
 *    left out of the baseline.
 * Like every gate it holds no state: the consecutive-failure count over checks is the caller's
 * (`nextStreak` in ./streak.ts, with `observed.verdict`).
 */
export function metricGate(args: MetricGateArgs): HealthGate<MetricObserved> {
  const { spec, source } = args;
  const name = `metric:${spec.name}`;
  return guardedGate<MetricObserved>(name, args.timeoutMs ?? 15_000, async (ctx) => {
    const { target } = ctx;
    const clusters = [
      { name: target.name, region: target.region, eksClusterName: target.eksClusterName },
      ...target.peers,
    ];
    ctx.step(`reading ${spec.name} for ${clusters.map((c) => c.name).join(", ")}`);
    const [self, ...others] = await source.read(clusters, { signal: ctx.signal });
    const base = {
      metricGate: spec.name,
      consecutiveFailures: spec.consecutiveFailures,
      query: source.query,
      baseline: others,
    };
    if (isError(self)) {
      return {
        ok: false,
        failure: "error",
        detail: `${self.error}; query: ${source.query}`,
        observed: { ...base, verdict: "error", changed: { cluster: target.name } },
      };
    }
    const judgement = judgeMetric({
      judge: spec.judge,
      changed: self,
      baseline: others.filter((o) => !isError(o)),
      query: source.query,
    });
    const unread = others.filter(isError);
    const detail =
      unread.length > 0 && spec.judge.type === "baseline"
        ? `${judgement.detail} (not read: ${unread.map((u) => `${u.cluster}: ${u.error}`).join("; ")})`
        : judgement.detail;
    const observed: MetricObserved = {
      ...base,
      verdict: judgement.verdict,
      changed: self,
      ...(judgement.baselineValue !== undefined ? { baselineValue: judgement.baselineValue } : {}),
      ...(judgement.limit !== undefined ? { limit: judgement.limit } : {}),
      ...(spec.judge.type === "baseline" ? { baselineClusters: judgement.baselineClusters } : {}),
    };
    if (judgement.verdict === "pass") return { ok: true, detail, observed };
    return {
      ok: false,
      failure: judgement.verdict === "wait" ? "waiting" : "unhealthy",
      detail,
      observed,
    };
  });
}
