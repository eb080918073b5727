import type { CloudWatchMetric } from "../../../config/metricGates";

/**
 * How a CloudWatch gate's metric is read and shown, without the SDK: a rehearsal shows the same
 * query as a real rollout without loading the CloudWatch client.
 */

/** The one period a gate reads: its window in whole minutes, at least one. */
export function cloudwatchPeriodSeconds(windowMs: number): number {
  return Math.max(60, Math.round(windowMs / 60_000) * 60);
}

/** The metric as people read it: `ContainerInsights pod_cpu_utilization{ClusterName=prod-{{cluster}}} Average over 300s`. */
export function describeMetric(metric: CloudWatchMetric, periodSeconds: number): string {
  const dims = Object.entries(metric.dimensions)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
  return `${metric.namespace} ${metric.metric}{${dims}} ${metric.statistic} over ${periodSeconds}s`;
}
