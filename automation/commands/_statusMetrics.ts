import Table from "cli-table3";
import { num } from "../health/metrics/judge";
import type { MetricGates } from "../rollout/ports";

/** One metric gate read once on one cluster, against the other clusters serving. */
export interface MetricStatus {
  /** `metric:<name>`. */
  gate: string;
  /** `pass`, `fail` (beyond its limit), `wait` (too few samples) or `error` (not read). */
  verdict: "pass" | "fail" | "wait" | "error";
  value: number | null;
  /** The samples behind the value in the window (e.g. requests). */
  samples: number | null;
  /** The median of the other clusters serving (a baseline gate). */
  baseline: number | null;
  /** The clusters whose values made the baseline. */
  baselineClusters: string[];
  /** The value beyond which the cluster fails. */
  limit: number | null;
  query: string;
  /** The gate's own line: the values, the limit and the query, or why it could not read. */
  detail: string;
}

/** Every metric gate, read once on the cluster (what the rollout's first check would see). */
export async function readMetricStatus(
  metrics: MetricGates,
  cluster: string,
): Promise<MetricStatus[]> {
  const read = await metrics.check(
    cluster,
    metrics.gates.map((g) => g.gate),
  );
  return read.map((r) => ({
    gate: r.gate,
    verdict: r.metric.verdict,
    value: r.metric.value ?? null,
    samples: r.metric.samples ?? null,
    baseline: r.metric.baseline ?? null,
    baselineClusters: r.metric.baselineClusters ?? [],
    limit: r.metric.limit ?? null,
    query: r.metric.query,
    detail: r.detail,
  }));
}

/** Whether a reading says something is wrong: beyond its limit, or not read at all. */
export function metricFails(m: MetricStatus): boolean {
  return m.verdict === "fail" || m.verdict === "error";
}

/** The metric gates of every cluster as a table, then each gate's query once. */
export function renderMetricStatus(
  clusters: readonly { name: string; metrics: MetricStatus[] | null }[],
): string[] {
  const rows = clusters.flatMap((c) => (c.metrics ?? []).map((m) => ({ cluster: c.name, m })));
  if (rows.length === 0) return [];
  const table = new Table({
    head: ["metric gate", "cluster", "value", "samples", "baseline", "limit", "verdict"],
    style: { head: [], border: [] },
  });
  const show = (v: number | null) => (v === null ? "-" : num(v));
  for (const { cluster, m } of rows) {
    table.push([
      m.gate,
      cluster,
      show(m.value),
      show(m.samples),
      m.baseline === null ? "-" : `${num(m.baseline)} (${m.baselineClusters.join(", ")})`,
      show(m.limit),
      m.verdict === "error" ? `error: ${m.detail}` : m.verdict,
    ]);
  }
  const queries = new Map(rows.map(({ m }) => [m.gate, m.query]));
  return [
    "metric gates (each cluster against the median of the others serving):",
    table.toString(),
    ...[...queries].map(([gate, query]) => `  ${gate}: ${query}`),
  ];
}
