import type { EnvironmentConfig } from "../../../config/schema";
import { metricGates, type MetricGateSpec } from "../../../config/metricGates";
import { baselineLimit } from "../../health/metrics/judge";
import { cloudwatchPeriodSeconds, describeMetric } from "../../health/metrics/cloudwatchMetric";
import type { ClusterAnswer, ClusterRef, MetricSource } from "../../health/metrics/source";
import { UsageError } from "../../exitCodes";
import { hasFault, type Fault } from "./faults";

/**
 * The metrics of a rehearsal: every cluster's value for every metric gate, from its share of the
 * traffic and whether a fault degrades it, so that `--simulate` runs the real metric gates (the
 * same judging, streaks, soak and halt) against numbers that behave like an environment's.
 */

/** The URL the simulated Prometheus is shown with, when the environment declares none. */
export const SIMULATED_PROMETHEUS = "http://prometheus.simulated:9090";

/** Requests per second the whole environment serves, in a rehearsal, per cluster of it. */
const RPS_PER_CLUSTER = 20;
/** What a degraded cluster's error ratio is: one request in twenty fails. */
const DEGRADED_ERROR_RATIO = 0.05;
/** What a latency fault adds to a cluster's p99, seconds (a CoreDNS regression, say). */
const ADDED_LATENCY_SECONDS = 0.8;

/** The metric gates a rehearsal runs, and whether they are the environment's own. */
export interface SimulatedGates {
  specs: MetricGateSpec[];
  /**
   * True when the environment declares no `gates`: the rehearsal then runs the default pair per
   * service against a simulated Prometheus, to show what metric gates would do.
   */
  assumed: boolean;
}

/**
 * The environment's metric gates (`metricGates(config)`); when it declares no `gates` at all, the
 * default pair of every service, as if it declared a Prometheus.
 */
export function simulatedGates(
  config: Pick<EnvironmentConfig, "gates" | "services">,
): SimulatedGates {
  if (config.gates) return { specs: metricGates(config), assumed: false };
  const assumed = {
    ...config,
    gates: { prometheus: { url: SIMULATED_PROMETHEUS }, metrics: [] },
  } as Pick<EnvironmentConfig, "gates" | "services">;
  return { specs: metricGates(assumed), assumed: true };
}

/**
 * Refuses a metric fault the rehearsal's gates cannot show: `metrics-latency` needs a latency
 * gate (the default pair's `<service>-latency-p99`), and either fault needs a metric gate.
 */
export function checkMetricFaults(faults: readonly Fault[], specs: readonly MetricGateSpec[]) {
  for (const fault of faults) {
    const text = `--fault ${fault.cluster}:${fault.kind}`;
    if (fault.kind === "metrics-degrade" && specs.length === 0) {
      throw new UsageError(
        `${text}: the environment has no metric gate to degrade (gates declares none); declare gates.prometheus or gates.metrics, or drop the fault`,
      );
    }
    if (fault.kind === "metrics-latency" && !specs.some((s) => s.measures === "latency-p99")) {
      throw new UsageError(
        `${text}: the environment has no latency gate (the default <service>-latency-p99, which needs gates.prometheus and gates.defaultMetrics on); use metrics-degrade, or drop the fault`,
      );
    }
  }
}

/** What the simulated source reads from the rest of the rehearsal. */
export interface SimulatedWorld {
  /** Every deployed cluster's Route 53 weight now. */
  weights(): Record<string, number>;
  /** Whether the cluster runs the change being rolled out (the config's settings for it). */
  changed(cluster: string): boolean;
  faults: readonly Fault[];
}

/**
 * The source of one gate in a rehearsal. Each cluster serves its share of the traffic (by its
 * Route 53 weight): its samples are its requests in the window, 0 while drained. Its value is a
 * healthy one, a few percent apart from cluster to cluster, unless a fault degrades it once the
 * cluster runs the change (the config's settings for it) and serves:
 *  - `metrics-degrade`: the error ratio gates read 1 in 20 requests failing, and every gate the
 *    environment lists itself reads well beyond its limit;
 *  - `metrics-latency`: the p99 latency gates read 0.8 s more.
 */
export function simulatedSource(spec: MetricGateSpec, world: SimulatedWorld): MetricSource {
  const query =
    spec.metric.type === "prometheus"
      ? spec.metric.query
      : describeMetric(spec.metric, cloudwatchPeriodSeconds(spec.windowMs));
  return {
    query,
    read(clusters: readonly ClusterRef[]): Promise<ClusterAnswer[]> {
      const weights = world.weights();
      const names = Object.keys(weights).sort();
      const total = Object.values(weights).reduce((a, b) => a + b, 0);
      const rps = RPS_PER_CLUSTER * Math.max(1, names.length);
      return Promise.resolve(
        clusters.map((c): ClusterAnswer => {
          const share = total > 0 ? (weights[c.name] ?? 0) / total : 0;
          const samples = Math.round(rps * share * (spec.windowMs / 1000));
          if (samples === 0) return { cluster: c.name, samples: 0 };
          const healthy = healthyValue(spec, jitter(names.indexOf(c.name)));
          const degraded = world.changed(c.name) ? degrade(spec, healthy, world, c.name) : healthy;
          return { cluster: c.name, value: degraded, samples };
        }),
      );
    },
  };
}

/** A few percent apart per cluster, always the same for the same cluster. */
function jitter(index: number): number {
  return (((Math.max(0, index) * 37) % 11) - 5) / 100;
}

function healthyValue(spec: MetricGateSpec, j: number): number {
  if (spec.measures === "error-ratio") return 0.002 * (1 + j);
  if (spec.measures === "latency-p99") return 0.25 * (1 + j);
  const judge = spec.judge;
  if (judge.type === "baseline") return 1 + j;
  const { min, max } = judge;
  if (min !== undefined && max !== undefined) return (min + max) / 2;
  if (max !== undefined) return max > 0 ? max / 2 : max - 1;
  if (min !== undefined) return min > 0 ? min * 2 : min + 1;
  return 1 + j;
}

function degrade(spec: MetricGateSpec, healthy: number, world: SimulatedWorld, cluster: string) {
  const latency = hasFault(world.faults, cluster, "metrics-latency");
  const errors = hasFault(world.faults, cluster, "metrics-degrade");
  if (spec.measures === "latency-p99") return latency ? healthy + ADDED_LATENCY_SECONDS : healthy;
  if (spec.measures === "error-ratio") return errors ? DEGRADED_ERROR_RATIO : healthy;
  if (!errors) return healthy;
  const judge = spec.judge;
  if (judge.type === "baseline") {
    // Well beyond the limit the healthy value would set as a baseline.
    const limit = baselineLimit(judge, healthy);
    return judge.worse === "higher" ? limit * 3 + 1 : Math.min(limit / 3, limit - 1);
  }
  if (judge.max !== undefined) return judge.max > 0 ? judge.max * 3 : judge.max + 1;
  if (judge.min !== undefined) return judge.min > 0 ? judge.min / 3 : judge.min - 1;
  return healthy;
}
