import type { PrometheusMetric } from "../../../config/metricGates";
import { describeError } from "../../k8s/probeError";
import type { ClusterAnswer, ClusterRef, MetricSource, ReadOptions } from "./source";

/** Arguments of {@link prometheusSource}. */
export interface PrometheusSourceArgs {
  /** The gate's queries and where to send them (`metricGates()` in config/metricGates.ts). */
  metric: PrometheusMetric;
  /**
   * The evaluation time of every query (`time=` of the API), e.g. a fixed instant in tests.
   * @default none: Prometheus evaluates at the moment it answers
   */
  time?: () => Date;
  /** The most bytes of an answer read; a larger one is an error. @default 1 MiB */
  maxBodyBytes?: number;
}

/**
 * Reads a gate's value per cluster from Prometheus' HTTP API: an instant query
 * (`GET <url>/api/v1/query`) of the gate's query and, when it has one, of its samples query.
 * With one Prometheus for every cluster, both are asked once and each series is a cluster's by
 * its cluster label; with one Prometheus per cluster, each is asked its own cluster's, and the
 * answer must be one number (a scalar, or a vector of at most one series).
 *
 * Fails safe: a Prometheus that is down, answers an error or something else than a vector or a
 * scalar gives every cluster it serves an `error` answer, never a value. A series whose value is
 * NaN has no value. Credentials in a URL (`https://user:pass@host`) are sent as a Basic
 * Authorization header and never shown: every URL in an answer is without them.
 */
export function prometheusSource(args: PrometheusSourceArgs): MetricSource {
  const { metric } = args;
  const limit = args.maxBodyBytes ?? 1 << 20;
  const ask = (url: string, query: string, signal: AbortSignal) =>
    instantQuery(url, query, { signal, time: args.time?.(), limit });
  return {
    query: metric.query,
    async read(clusters: readonly ClusterRef[], opts: ReadOptions): Promise<ClusterAnswer[]> {
      const endpoint = metric.endpoint;
      if ("url" in endpoint) {
        const [values, samples] = await Promise.all([
          ask(endpoint.url, metric.query, opts.signal),
          metric.samplesQuery !== undefined
            ? ask(endpoint.url, metric.samplesQuery, opts.signal)
            : undefined,
        ]);
        const byCluster = (answer: QueryAnswer) => byLabel(answer, endpoint.clusterLabel);
        const v = typeof values === "string" ? values : byCluster(values);
        const s =
          samples === undefined || typeof samples === "string" ? samples : byCluster(samples);
        return clusters.map((c) => combine(c.name, v, s, (m) => m.get(c.name)));
      }
      return Promise.all(
        clusters.map(async (c): Promise<ClusterAnswer> => {
          const url = endpoint.urls[c.name];
          if (url === undefined) {
            return { cluster: c.name, error: `no Prometheus URL for cluster ${c.name}` };
          }
          const [values, samples] = await Promise.all([
            ask(url, metric.query, opts.signal),
            metric.samplesQuery !== undefined
              ? ask(url, metric.samplesQuery, opts.signal)
              : undefined,
          ]);
          const v = typeof values === "string" ? values : single(values);
          const s =
            samples === undefined || typeof samples === "string" ? samples : single(samples);
          return combine(c.name, v, s, (x) => x);
        }),
      );
    },
  };
}

/** The result of one instant query: each series' labels and value (NaN kept, for now). */
type QueryAnswer = {
  url: string;
  query: string;
  series: { labels: Record<string, string>; value: number }[];
  scalar: boolean;
};

/** Per cluster: a map of values (or one value), or an error message. */
type Found<T> = T | string | undefined;

function combine<T>(
  cluster: string,
  values: Found<T>,
  samples: Found<T>,
  pick: (found: T) => number | undefined | string,
): ClusterAnswer {
  if (typeof values === "string") return { cluster, error: values };
  if (typeof samples === "string") return { cluster, error: samples };
  const value = values === undefined ? undefined : pick(values);
  const count = samples === undefined ? undefined : pick(samples);
  if (typeof value === "string") return { cluster, error: value };
  if (typeof count === "string") return { cluster, error: count };
  return {
    cluster,
    ...(value !== undefined && !Number.isNaN(value) ? { value } : {}),
    // No series for the samples query: nothing was counted, so none.
    ...(samples !== undefined
      ? { samples: count === undefined || Number.isNaN(count) ? 0 : count }
      : {}),
  };
}

/** Each cluster's value, by the cluster label of its series; an error when that is ambiguous. */
function byLabel(answer: QueryAnswer, label: string): Map<string, number> | string {
  if (answer.scalar) {
    return `${where(answer)} returned a scalar, which is no cluster's; keep the "${label}" label, e.g. sum by (${label}) (...)`;
  }
  const out = new Map<string, number>();
  for (const s of answer.series) {
    const cluster = s.labels[label];
    if (cluster === undefined) {
      return `${where(answer)} returned a series without the "${label}" label; keep it, e.g. sum by (${label}) (...)`;
    }
    if (out.has(cluster)) {
      return `${where(answer)} returned several series for ${label}="${cluster}"; aggregate them, e.g. sum by (${label}) (...)`;
    }
    out.set(cluster, s.value);
  }
  return out;
}

/** The one value of a per-cluster Prometheus' answer; an error when there are several. */
function single(answer: QueryAnswer): number | undefined | string {
  if (answer.series.length > 1) {
    return `${where(answer)} returned ${answer.series.length} series; a per-cluster query must return one, e.g. sum(...)`;
  }
  return answer.series[0]?.value;
}

function where(answer: QueryAnswer): string {
  return `Prometheus ${answer.url}`;
}

/**
 * One `GET /api/v1/query`: the parsed series, or a message saying why there are none (HTTP error,
 * Prometheus' own error, an unreachable server, an unreadable answer). Rejects only when aborted.
 */
async function instantQuery(
  base: string,
  query: string,
  opts: { signal: AbortSignal; time?: Date; limit: number },
): Promise<QueryAnswer | string> {
  const url = new URL(base);
  const headers: Record<string, string> = { accept: "application/json" };
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const pass = decodeURIComponent(url.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString("base64")}`;
    url.username = "";
    url.password = "";
  }
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/api/v1/query`;
  url.searchParams.set("query", query);
  if (opts.time) url.searchParams.set("time", (opts.time.getTime() / 1000).toFixed(3));
  const shown = `${url.origin}${url.pathname.replace(/\/api\/v1\/query$/, "")}`;
  let status: number;
  let text: string;
  try {
    const res = await fetch(url, { headers, signal: opts.signal, redirect: "error" });
    status = res.status;
    text = await readCapped(res, opts.limit);
  } catch (err) {
    if (opts.signal.aborted) throw err;
    return `Prometheus ${shown} did not answer: ${describeError(err)}`;
  }
  let body: PromResponse | undefined;
  try {
    body = JSON.parse(text) as PromResponse;
  } catch {
    body = undefined;
  }
  if (body?.status === "error" || status < 200 || status >= 300) {
    const why = body?.error
      ? `${body.errorType ?? "error"}: ${firstLine(body.error)}`
      : firstLine(text);
    return `Prometheus ${shown} answered HTTP ${status}${why ? ` (${why})` : ""}`;
  }
  if (body?.status !== "success" || typeof body.data !== "object" || body.data === null) {
    return `Prometheus ${shown} answered something that is not a query result: ${firstLine(text) || "(empty)"}`;
  }
  const data = body.data;
  const answer = { url: shown, query };
  if (data.resultType === "scalar") {
    return { ...answer, scalar: true, series: [{ labels: {}, value: sampleValue(data.result) }] };
  }
  if (data.resultType === "vector" && Array.isArray(data.result)) {
    const series = (data.result as { metric?: Record<string, string>; value?: unknown }[]).map(
      (s) => ({ labels: s.metric ?? {}, value: sampleValue(s.value) }),
    );
    return { ...answer, scalar: false, series };
  }
  return `Prometheus ${shown} returned a ${String(data.resultType)}, not an instant vector or scalar; write an instant query (e.g. rate(x[5m]), not x[5m])`;
}

interface PromResponse {
  status?: string;
  data?: { resultType?: string; result?: unknown };
  errorType?: string;
  error?: string;
}

/** The value of a `[<unix time>, "<value>"]` pair: "NaN", "+Inf" and "-Inf" as numbers. */
function sampleValue(pair: unknown): number {
  if (!Array.isArray(pair) || typeof pair[1] !== "string") return NaN;
  const text = pair[1];
  if (text === "+Inf") return Infinity;
  if (text === "-Inf") return -Infinity;
  return Number(text);
}

/** The body as text, up to `limit` bytes; a longer body is cut there (and will not parse). */
async function readCapped(res: Response, limit: number): Promise<string> {
  if (!res.body) return "";
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      break;
    }
  }
  return Buffer.concat(chunks).toString("utf8").slice(0, limit);
}

function firstLine(text: string): string {
  const line = text.split("\n")[0].trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
