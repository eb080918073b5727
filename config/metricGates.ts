import {
  durationMs,
  WINDOW_PLACEHOLDER,
  type DefaultMetricsConfig,
  type JudgeConfig,
  type MetricGateConfig,
  type PrometheusConfig,
} from "./gates";
import type { EnvironmentConfig } from "./schema";

/**
 * The effective list of metric gates of an environment: the gates of `gates.metrics`, and, when
 * the environment declares a Prometheus, the default pair per service. Pure; the config must be
 * valid (`environmentSchema`), which guarantees every Prometheus gate has an endpoint.
 */

/** Where a Prometheus gate reads from. */
export type PrometheusEndpoint =
  /** One Prometheus; each cluster's series carry its name in `clusterLabel`. */
  | { url: string; clusterLabel: string }
  /** One Prometheus per cluster name. */
  | { urls: Readonly<Record<string, string>> };

/** A Prometheus gate's queries, `{{window}}` replaced. */
export interface PrometheusMetric {
  type: "prometheus";
  endpoint: PrometheusEndpoint;
  /** The instant query whose value is a cluster's. */
  query: string;
  /** The instant query of the samples behind the value; absent when the judge needs none. */
  samplesQuery?: string;
}

/** A CloudWatch gate's metric; `{{cluster}}` is still in the dimension values. */
export interface CloudWatchMetric {
  type: "cloudwatch";
  namespace: string;
  metric: string;
  dimensions: Readonly<Record<string, string>>;
  statistic: string;
}

/** One metric gate as the health gates run it. */
export interface MetricGateSpec {
  name: string;
  /** "config": listed in `gates.metrics`. "default": the default pair of a service. */
  origin: "config" | "default";
  /** The service a default gate watches. */
  service?: string;
  /** What a default gate measures: the service's error ratio or its p99 latency (seconds). */
  measures?: "error-ratio" | "latency-p99";
  metric: PrometheusMetric | CloudWatchMetric;
  judge: JudgeConfig;
  /** The window as written ("5m"), and in milliseconds. */
  window: string;
  windowMs: number;
  /** How often the gate is checked, milliseconds. */
  intervalMs: number;
  /** How many failing checks in a row fail the gate. */
  consecutiveFailures: number;
}

/** The default label of the cluster name, with one Prometheus for every cluster. */
export const DEFAULT_CLUSTER_LABEL = "cluster";

/** Thresholds of the default gates: a canary fails only beyond both of its judge's limits. */
export const DEFAULT_ERROR_RATIO_JUDGE = { maxRatio: 2, maxDifference: 0.01 } as const;
export const DEFAULT_LATENCY_JUDGE = { maxRatio: 1.5, maxDifference: 0.1 } as const;

/**
 * Every metric gate of the environment, in order: for each service (in config order) its
 * `<service>-error-ratio` and `<service>-latency-p99` when a Prometheus is declared and the
 * defaults are not switched off, then the gates of `gates.metrics`. A listed gate with the name of
 * a default gate takes its place (so one default can be tuned or replaced).
 */
export function metricGates(
  config: Pick<EnvironmentConfig, "gates" | "services">,
): MetricGateSpec[] {
  const gates = config.gates;
  if (!gates) return [];
  const listed = gates.metrics.map((g) => fromConfig(g, gates.prometheus));
  const names = new Set(listed.map((g) => g.name));
  const defaults = defaultGates(config.services, gates.prometheus, gates.defaultMetrics);
  return [...defaults.filter((g) => !names.has(g.name)), ...listed];
}

function fromConfig(
  gate: MetricGateConfig,
  prometheus: PrometheusConfig | undefined,
): MetricGateSpec {
  const timing = timingOf(gate);
  const substitute = (query: string) => query.split(WINDOW_PLACEHOLDER).join(gate.window);
  const provider = gate.provider;
  let metric: PrometheusMetric | CloudWatchMetric;
  if (provider.type === "cloudwatch") {
    const { type, namespace, metric: name, dimensions, statistic } = provider;
    metric = { type, namespace, metric: name, dimensions, statistic };
  } else {
    const own = provider.url !== undefined || provider.urls !== undefined;
    const endpoint = endpointOf(own ? provider : prometheus);
    if (!endpoint || gate.query === undefined) {
      throw new Error(
        `metric gate "${gate.name}" has no Prometheus to read or no query; validate the config with environmentSchema first`,
      );
    }
    metric = {
      type: "prometheus",
      endpoint,
      query: substitute(gate.query),
      ...(gate.samplesQuery !== undefined ? { samplesQuery: substitute(gate.samplesQuery) } : {}),
    };
  }
  return { name: gate.name, origin: "config", metric, judge: gate.judge, ...timing };
}

function endpointOf(
  p: { url?: string; urls?: Record<string, string>; clusterLabel?: string } | undefined,
): PrometheusEndpoint | undefined {
  if (p?.url !== undefined)
    return { url: p.url, clusterLabel: p.clusterLabel ?? DEFAULT_CLUSTER_LABEL };
  if (p?.urls !== undefined) return { urls: { ...p.urls } };
  return undefined;
}

function timingOf(t: { window: string; interval: string; consecutiveFailures: number }) {
  return {
    window: t.window,
    windowMs: durationMs(t.window) ?? 300_000,
    intervalMs: durationMs(t.interval) ?? 30_000,
    consecutiveFailures: t.consecutiveFailures,
  };
}

/** The defaults of `gates.defaultMetrics` when the key is left out. */
const DEFAULT_METRICS: DefaultMetricsConfig = {
  enabled: true,
  requestsMetric: "http_requests_total",
  durationMetric: "http_request_duration_seconds",
  serviceLabel: "service",
  statusLabel: "code",
  errorStatus: "5..",
  minSamples: 100,
  window: "5m",
  interval: "30s",
  consecutiveFailures: 3,
};

/**
 * The default pair of one service, from the standard shapes: a request counter labelled by
 * service and status, and a request duration histogram. Judged against the baseline, waiting
 * until the window holds `minSamples` requests.
 */
function defaultGates(
  services: EnvironmentConfig["services"],
  prometheus: PrometheusConfig | undefined,
  settings: DefaultMetricsConfig = DEFAULT_METRICS,
): MetricGateSpec[] {
  const endpoint = endpointOf(prometheus);
  if (!endpoint || !settings.enabled) return [];
  const timing = timingOf(settings);
  const w = settings.window;
  // With one Prometheus, every expression keeps the cluster label; with one per cluster, the
  // whole answer is the cluster's.
  const by = (...labels: string[]) => {
    const all = "clusterLabel" in endpoint ? [endpoint.clusterLabel, ...labels] : labels;
    return all.length > 0 ? `sum by (${all.join(", ")})` : "sum";
  };
  return services.flatMap((service): MetricGateSpec[] => {
    const sel = `${settings.serviceLabel}=${promString(service.name)}`;
    const errors = `${sel}, ${settings.statusLabel}=~${promString(settings.errorStatus)}`;
    const requests = `${settings.requestsMetric}{${sel}}`;
    const count = `${settings.durationMetric}_count{${sel}}`;
    const bucket = `${settings.durationMetric}_bucket{${sel}}`;
    const judge = (limits: { maxRatio: number; maxDifference: number }): JudgeConfig => ({
      type: "baseline",
      ...limits,
      worse: "higher",
      minSamples: settings.minSamples,
    });
    return [
      {
        name: `${service.name}-error-ratio`,
        origin: "default",
        service: service.name,
        measures: "error-ratio",
        metric: {
          type: "prometheus",
          endpoint,
          // A cluster without a single error has no error series: `or 0 * ...` makes its ratio 0.
          query:
            `(${by()} (rate(${settings.requestsMetric}{${errors}}[${w}])) ` +
            `or 0 * ${by()} (rate(${requests}[${w}]))) / ${by()} (rate(${requests}[${w}]))`,
          samplesQuery: `${by()} (increase(${requests}[${w}]))`,
        },
        judge: judge(DEFAULT_ERROR_RATIO_JUDGE),
        ...timing,
      },
      {
        name: `${service.name}-latency-p99`,
        origin: "default",
        service: service.name,
        measures: "latency-p99",
        metric: {
          type: "prometheus",
          endpoint,
          query: `histogram_quantile(0.99, ${by("le")} (rate(${bucket}[${w}])))`,
          samplesQuery: `${by()} (increase(${count}[${w}]))`,
        },
        judge: judge(DEFAULT_LATENCY_JUDGE),
        ...timing,
      },
    ];
  });
}

/** A PromQL string literal. */
function promString(value: string): string {
  return JSON.stringify(value);
}
