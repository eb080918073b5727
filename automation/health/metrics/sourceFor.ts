import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { MetricGateSpec } from "../../../config/metricGates";
import { cloudwatchSource } from "./cloudwatch";
import { prometheusSource } from "./prometheus";
import type { MetricSource } from "./source";

/** What the sources of an environment's metric gates share. */
export interface MetricSourceDeps {
  /**
   * The CloudWatch client of a region (`undefined`: the environment's region). Needed only when
   * a gate reads CloudWatch; the caller creates each client once and destroys it.
   */
  cloudwatchClientFor?: (region: string | undefined) => CloudWatchClient;
  /** Now: the evaluation time of every query. @default the system clock */
  now?: () => Date;
}

/** The production source of one gate: Prometheus or CloudWatch, as its spec says. */
export function sourceFor(spec: MetricGateSpec, deps: MetricSourceDeps = {}): MetricSource {
  if (spec.metric.type === "prometheus") {
    return prometheusSource({ metric: spec.metric, ...(deps.now ? { time: deps.now } : {}) });
  }
  const clientFor = deps.cloudwatchClientFor;
  if (!clientFor) {
    throw new Error(
      `metric gate "${spec.name}" reads CloudWatch; pass cloudwatchClientFor (a CloudWatchClient per region) to sourceFor`,
    );
  }
  return cloudwatchSource({
    metric: spec.metric,
    windowMs: spec.windowMs,
    clientFor,
    ...(deps.now ? { now: deps.now } : {}),
  });
}
