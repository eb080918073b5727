import { z } from "zod";
import { showValue } from "./_show";

/**
 * The schema of `active-active:gates`: metric gates, which judge a changed cluster by what its
 * users see (error ratio, latency, any query), alone or against the clusters the change did not
 * touch. The shapes and the rules inside one gate are here; the rules that need the cluster list
 * (a URL per cluster, at least two clusters for a baseline) are in `./rules.ts`, and the effective
 * list of gates (the default pair per service included) is `metricGates()` in `./metricGates.ts`.
 *
 * Nothing here changes what is deployed; it is not part of a cluster's generation.
 */

const show = showValue;

/** The placeholder a query or a CloudWatch dimension value is written with. */
export const WINDOW_PLACEHOLDER = "{{window}}";
/** The placeholder a CloudWatch dimension value names its cluster with. */
export const CLUSTER_PLACEHOLDER = "{{cluster}}";
/**
 * The placeholder of a cluster's EKS name (stack output `clusters[].eksClusterName`, with the
 * suffix Pulumi adds): Container Insights' `ClusterName`.
 */
export const EKS_CLUSTER_PLACEHOLDER = "{{eksCluster}}";

const DURATION = /^([1-9]\d{0,5})(s|m|h)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Milliseconds of a duration written as "30s", "5m" or "1h"; undefined when it is not one. */
export function durationMs(text: string): number | undefined {
  const match = DURATION.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** A duration as Prometheus writes it, a whole number and one unit, between `min` and `max`. */
const duration = (what: string, example: string, minMs: number, maxMs: number) =>
  z.string().superRefine((value, ctx) => {
    const ms = durationMs(value);
    const fix = `write ${what} as a whole number of s, m or h, e.g. "${example}"`;
    if (ms === undefined) {
      ctx.addIssue({
        code: "custom",
        input: value,
        message: `${show(value)} is not a duration; ${fix}`,
      });
    } else if (ms < minMs || ms > maxMs) {
      ctx.addIssue({
        code: "custom",
        input: value,
        message: `${show(value)} is outside ${minMs / 1000}s to ${maxMs / 3_600_000}h; ${fix}`,
      });
    }
  });

const number = (what: string, example: string) =>
  z
    .number({
      error: (iss) => `expected a number, got ${show(iss.input)}; ${what}, e.g. ${example}`,
    })
    .refine(Number.isFinite, {
      error: (iss) => `${show(iss.input)} is not a finite number; ${what}, e.g. ${example}`,
    });

const count = (what: string, example: string, min: number, max: number) =>
  z
    .number({ error: (iss) => `expected a whole number, got ${show(iss.input)}; ${what}` })
    .int({ error: (iss) => `expected a whole number, got ${show(iss.input)}; ${what}` })
    .min(min, { error: (iss) => `${show(iss.input)} is below ${min}; ${what}, e.g. ${example}` })
    .max(max, { error: (iss) => `${show(iss.input)} is above ${max}; ${what}, e.g. ${example}` });

/** An http(s) URL of a Prometheus server (or of a Prometheus-compatible query API). */
const prometheusUrl = z.url({
  protocol: /^https?$/,
  error: (iss) =>
    `${show(iss.input)} is not an http:// or https:// URL; give the Prometheus server's base URL, e.g. "http://prometheus.monitoring:9090"`,
});

const PROM_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const PROM_METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

const promLabel = (example: string) =>
  z.string().regex(PROM_LABEL, {
    error: (iss) =>
      `${show(iss.input)} is not a Prometheus label name; use letters, digits and "_", e.g. "${example}"`,
  });

const promMetric = (example: string) =>
  z.string().regex(PROM_METRIC, {
    error: (iss) =>
      `${show(iss.input)} is not a Prometheus metric name; use letters, digits, "_" and ":", e.g. "${example}"`,
  });

/** A cluster name as `clusters[].name` writes it (the rules check that it is one of them). */
const clusterKey = z.string().regex(/^[a-z]([-a-z0-9]*[a-z0-9])?$/, {
  error: (iss) => `${show(iss.input)} is not a cluster name; use a name from clusters[].name`,
});

/** Where a Prometheus is: one URL for all clusters (told apart by a label), or one per cluster. */
const prometheusEndpointFields = {
  /**
   * One Prometheus for every cluster; its series carry the cluster's name in `clusterLabel`.
   * Exclusive with `urls`.
   */
  url: prometheusUrl.optional(),
  /** The label whose value is the cluster's name (with `url`). @default "cluster" */
  clusterLabel: promLabel("cluster").optional(),
  /** One Prometheus per cluster, by cluster name; every cluster must be named. Exclusive with `url`. */
  urls: z.record(clusterKey, prometheusUrl).optional(),
};

/** Exactly one of `url` and `urls`, and `clusterLabel` only with `url`. */
function endpointRules(
  value: { url?: string; urls?: Record<string, string>; clusterLabel?: string },
  ctx: z.RefinementCtx,
  required: boolean,
): void {
  if (value.url !== undefined && value.urls !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["urls"],
      input: value.urls,
      message:
        "give either url (one Prometheus, clusters told apart by clusterLabel) or urls (one Prometheus per cluster), not both",
    });
  } else if (required && value.url === undefined && value.urls === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["url"],
      input: undefined,
      message:
        'missing; give url (one Prometheus for every cluster, e.g. "http://prometheus.monitoring:9090") or urls (one per cluster name)',
    });
  }
  if (value.clusterLabel !== undefined && value.urls !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["clusterLabel"],
      input: value.clusterLabel,
      message: "has no effect with urls (each Prometheus serves one cluster); remove it",
    });
  }
}

/** The environment's Prometheus: what default gates and gates without a URL of their own query. */
export const prometheusSchema = z
  .strictObject(prometheusEndpointFields)
  .superRefine((value, ctx) => endpointRules(value, ctx, true));

/** A gate read from Prometheus: the environment's unless it names its own. */
const prometheusProviderSchema = z
  .strictObject({
    /** A Prometheus query, answered with the `query` of the gate. */
    type: z.literal("prometheus"),
    ...prometheusEndpointFields,
  })
  .superRefine((value, ctx) => endpointRules(value, ctx, false));

const CLOUDWATCH_STATISTIC =
  /^(Average|Sum|Minimum|Maximum|SampleCount|(p|tm|wm|tc|ts)\d{1,2}(\.\d{1,2})?)$/;

/** A gate read from CloudWatch: one metric's statistic per cluster, over the window. */
const cloudwatchProviderSchema = z.strictObject({
  type: z.literal("cloudwatch"),
  /** The metric's namespace, e.g. "ContainerInsights" or "Acme/Checkout". */
  namespace: z
    .string()
    .min(1, { error: 'set the metric\'s namespace, e.g. "ContainerInsights"' })
    .max(255),
  /** The metric's name, e.g. "pod_cpu_utilization". */
  metric: z
    .string()
    .min(1, { error: 'set the metric\'s name, e.g. "pod_cpu_utilization"' })
    .max(255),
  /**
   * The metric's dimensions; `{{cluster}}` in a value is replaced by the cluster's name and
   * `{{eksCluster}}` by its EKS cluster's name, and at least one value must contain one of them
   * (each cluster has its own series).
   */
  dimensions: z.record(z.string().min(1).max(255), z.string().min(1).max(1024)),
  /** The statistic: Average, Sum, Minimum, Maximum, SampleCount or a percentile such as p99. */
  statistic: z.string().regex(CLOUDWATCH_STATISTIC, {
    error: (iss) =>
      `${show(iss.input)} is not a CloudWatch statistic; use Average, Sum, Minimum, Maximum, SampleCount or a percentile such as "p99"`,
  }),
});

export const metricProviderSchema = z.discriminatedUnion(
  "type",
  [prometheusProviderSchema, cloudwatchProviderSchema],
  {
    error: (iss) =>
      `${show((iss.input as { type?: unknown } | undefined)?.type)} is not a metric provider; use "prometheus" or "cloudwatch"`,
  },
);

const minSamples = count(
  "the fewest samples (e.g. requests) in the window before the gate judges; below it, it waits",
  "100",
  0,
  1_000_000_000,
);

/** The changed cluster's value against a fixed threshold. */
const absoluteJudgeSchema = z
  .strictObject({
    type: z.literal("absolute"),
    /** Fails when the value is above this. */
    max: number("the highest value that passes", "0.01").optional(),
    /** Fails when the value is below this. */
    min: number("the lowest value that passes", "0.99").optional(),
    /** Waits instead of judging while the cluster has fewer samples in the window. @default 0 */
    minSamples: minSamples.default(0),
  })
  .superRefine((judge, ctx) => {
    if (judge.max === undefined && judge.min === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["max"],
        input: undefined,
        message: "missing; an absolute judge needs max, min or both, e.g. max: 0.01",
      });
    } else if (judge.max !== undefined && judge.min !== undefined && judge.min > judge.max) {
      ctx.addIssue({
        code: "custom",
        path: ["min"],
        input: judge.min,
        message: `${judge.min} is above max (${judge.max}), so nothing could pass; lower min or raise max`,
      });
    }
  });

/** The changed cluster's value against the other clusters' (the median of those with data). */
const baselineJudgeSchema = z
  .strictObject({
    type: z.literal("baseline"),
    /** Fails when the value is worse than the baseline times this (at least 1). */
    maxRatio: number("how many times the baseline the value may reach", "2")
      .refine((v) => v >= 1, {
        error: (iss) =>
          `${show(iss.input)} is below 1, so even the baseline itself would fail; use a ratio of at least 1, e.g. 2`,
      })
      .optional(),
    /** Fails when the value is worse than the baseline by more than this (0 or more). */
    maxDifference: number("how far beyond the baseline the value may go", "0.01")
      .refine((v) => v >= 0, {
        error: (iss) => `${show(iss.input)} is below 0; use a difference of 0 or more, e.g. 0.01`,
      })
      .optional(),
    /** Which way is worse: "higher" (errors, latency) or "lower" (success rate). @default "higher" */
    worse: z.enum(["higher", "lower"]).default("higher"),
    /**
     * Waits instead of judging while the cluster has fewer samples in the window; a baseline
     * cluster with fewer is left out of the baseline. @default 0
     */
    minSamples: minSamples.default(0),
  })
  .superRefine((judge, ctx) => {
    if (judge.maxRatio === undefined && judge.maxDifference === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["maxRatio"],
        input: undefined,
        message:
          "missing; a baseline judge needs maxRatio, maxDifference or both (with both, a cluster fails only beyond both), e.g. maxRatio: 2",
      });
    }
  });

export const judgeSchema = z.discriminatedUnion(
  "type",
  [absoluteJudgeSchema, baselineJudgeSchema],
  {
    error: (iss) =>
      `${show((iss.input as { type?: unknown } | undefined)?.type)} is not a judge; use "absolute" (a threshold) or "baseline" (against the other clusters)`,
  },
);

const GATE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** The window, interval and failure count every gate has, and their defaults. */
const timingFields = {
  /** How far back the query looks (`{{window}}` in a query). @default "5m" */
  window: duration("the window", "5m", 10_000, 24 * 3_600_000).default("5m"),
  /** How often the gate is checked during the health wait and the soak. @default "30s" */
  interval: duration("the interval", "30s", 1000, 3_600_000).default("30s"),
  /** How many failing checks in a row fail the gate. @default 3 */
  consecutiveFailures: count("how many failing checks in a row fail the gate", "3", 1, 100).default(
    3,
  ),
};

/** One metric gate. */
export const metricGateSchema = z.strictObject({
  /** Unique name, shown in every result; a gate named like a default gate replaces it. */
  name: z
    .string()
    .max(63, {
      error: (iss) => `${show(iss.input)} is longer than 63 characters; use a shorter gate name`,
    })
    .regex(GATE_NAME, {
      error: (iss) =>
        `${show(iss.input)} is not a gate name; use lowercase letters, digits and "-", e.g. "checkout-errors"`,
    }),
  /** Where the metric comes from. @default { type: "prometheus" }: the environment's Prometheus */
  provider: metricProviderSchema.default({ type: "prometheus" }),
  /**
   * Prometheus only: an instant query whose value is the cluster's (`{{window}}` is replaced by
   * the window). With one Prometheus for every cluster, it keeps the cluster label:
   * `sum by (cluster) (...)`.
   */
  query: z
    .string()
    .trim()
    .min(1, { error: "the query is empty; write a PromQL expression" })
    .optional(),
  /**
   * Prometheus only: the number of samples (e.g. requests) behind the value in the window, in the
   * same shape as `query`; needed when `judge.minSamples` is above 0.
   */
  samplesQuery: z
    .string()
    .trim()
    .min(1, { error: "the samples query is empty; write a PromQL expression or leave it out" })
    .optional(),
  judge: judgeSchema,
  ...timingFields,
});

/** The default pair of gates per service, read from the environment's Prometheus. */
export const defaultMetricsSchema = z.strictObject({
  /** False leaves the default gates out. @default true */
  enabled: z.boolean().default(true),
  /** The request counter, labelled by service and status. @default "http_requests_total" */
  requestsMetric: promMetric("http_requests_total").default("http_requests_total"),
  /** The request duration histogram, in seconds. @default "http_request_duration_seconds" */
  durationMetric: promMetric("http_request_duration_seconds").default(
    "http_request_duration_seconds",
  ),
  /** The label whose value is the service's name. @default "service" */
  serviceLabel: promLabel("service").default("service"),
  /** The label holding the HTTP status code. @default "code" */
  statusLabel: promLabel("code").default("code"),
  /** A regular expression (PromQL `=~`) of the error statuses. @default "5.." */
  errorStatus: z.string().min(1).default("5.."),
  /** The fewest requests in the window before the default gates judge. @default 100 */
  minSamples: minSamples.default(100),
  ...timingFields,
});

/** `active-active:gates`. */
export const gatesSchema = z.strictObject({
  /**
   * The environment's Prometheus: with it, every service gets the default pair of gates, and a
   * Prometheus gate without a URL of its own reads from it. @default none
   */
  prometheus: prometheusSchema.optional(),
  /** The default pair of gates per service (needs `prometheus`). @default on, standard names */
  defaultMetrics: defaultMetricsSchema.optional(),
  /** Metric gates, besides the default ones. @default [] */
  metrics: z.array(metricGateSchema).default([]),
});

export type GatesConfig = z.output<typeof gatesSchema>;
export type MetricGateConfig = z.output<typeof metricGateSchema>;
export type JudgeConfig = z.output<typeof judgeSchema>;
export type PrometheusConfig = z.output<typeof prometheusSchema>;
export type DefaultMetricsConfig = z.output<typeof defaultMetricsSchema>;
