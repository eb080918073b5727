/** Metric gates: judge a changed cluster by what its users see, against the other clusters. */
export { metricGate, type MetricGateArgs, type MetricObserved } from "./metricGate";
export {
  baselineLimit,
  judgeMetric,
  median,
  type ClusterReading,
  type Judged,
  type JudgeInput,
  type Judgement,
} from "./judge";
export {
  NEW_STREAK,
  nextStreak,
  type MetricStreak,
  type MetricVerdict,
  type StreakStatus,
} from "./streak";
export {
  isError,
  type ClusterAnswer,
  type ClusterRef,
  type MetricSource,
  type ReadOptions,
} from "./source";
export { prometheusSource, type PrometheusSourceArgs } from "./prometheus";
export { cloudwatchSource, type CloudWatchSourceArgs } from "./cloudwatch";
export { cloudwatchPeriodSeconds, describeMetric } from "./cloudwatchMetric";
export { sourceFor, type MetricSourceDeps } from "./sourceFor";
