import {
  GetMetricDataCommand,
  type CloudWatchClient,
  type MetricDataQuery,
  type MetricDataResult,
} from "@aws-sdk/client-cloudwatch";
import { CLUSTER_PLACEHOLDER, EKS_CLUSTER_PLACEHOLDER } from "../../../config/gates";
import type { CloudWatchMetric } from "../../../config/metricGates";
import { describeError } from "../../k8s/probeError";
import { cloudwatchPeriodSeconds, describeMetric } from "./cloudwatchMetric";
import type { ClusterAnswer, ClusterRef, MetricSource, ReadOptions } from "./source";

/** Arguments of {@link cloudwatchSource}. */
export interface CloudWatchSourceArgs {
  /** The gate's metric (`metricGates()` in config/metricGates.ts). */
  metric: CloudWatchMetric;
  /** The window, milliseconds: one period of this length, ending at the last whole minute. */
  windowMs: number;
  /**
   * The CloudWatch client of a region (`undefined`: a cluster without a region of its own, the
   * environment's). Clients are the caller's: it creates them once and destroys them.
   */
  clientFor(region: string | undefined): CloudWatchClient;
  /** Now. @default the system clock */
  now?: () => Date;
}

/**
 * Reads a gate's value per cluster from CloudWatch with `GetMetricData`: for each cluster, its
 * metric (`{{cluster}}` in the dimension values replaced by its name) at the gate's statistic,
 * and its SampleCount (the samples), over one period: the window, ending at the last whole
 * minute. One request per region, for all its clusters. No datapoint is no value (and 0
 * samples); an API error (access denied, throttled, unreachable) is an `error` answer for every
 * cluster of that region. Credentials stay in the client: no answer holds any.
 */
export function cloudwatchSource(args: CloudWatchSourceArgs): MetricSource {
  const { metric } = args;
  const periodSeconds = cloudwatchPeriodSeconds(args.windowMs);
  const needsEksName = Object.values(metric.dimensions).some((v) =>
    v.includes(EKS_CLUSTER_PLACEHOLDER),
  );
  return {
    query: describeMetric(metric, periodSeconds),
    async read(clusters: readonly ClusterRef[], opts: ReadOptions): Promise<ClusterAnswer[]> {
      const end = new Date(Math.floor((args.now?.() ?? new Date()).getTime() / 60_000) * 60_000);
      const start = new Date(end.getTime() - periodSeconds * 1000);
      const regions = new Map<string | undefined, number[]>();
      clusters.forEach((c, i) => regions.set(c.region, [...(regions.get(c.region) ?? []), i]));
      const answers: ClusterAnswer[] = new Array<ClusterAnswer>(clusters.length);
      await Promise.all(
        [...regions].map(async ([region, indexes]) => {
          // A cluster whose EKS name is needed but unknown is not asked about.
          const unnamed = new Set(
            indexes.filter((i) => needsEksName && !clusters[i].eksClusterName),
          );
          const asked = indexes.filter((i) => !unnamed.has(i));
          for (const i of unnamed) {
            answers[i] = {
              cluster: clusters[i].name,
              error: `no EKS cluster name for cluster ${clusters[i].name} (stack output clusters[].eksClusterName, which ${EKS_CLUSTER_PLACEHOLDER} needs); run \`pulumi up\` once with this version to record it`,
            };
          }
          if (asked.length === 0) return;
          const queries = asked.flatMap((i) => [
            query(`v${i}`, metric, clusters[i], metric.statistic, periodSeconds),
            query(`n${i}`, metric, clusters[i], "SampleCount", periodSeconds),
          ]);
          let results: Map<string, MetricDataResult> | string;
          try {
            results = await getMetricData(args.clientFor(region), queries, start, end, opts.signal);
          } catch (err) {
            if (opts.signal.aborted) throw err;
            results = `GetMetricData${region ? ` in ${region}` : ""} failed: ${describeAwsError(err)}`;
          }
          for (const i of asked) {
            const cluster = clusters[i].name;
            if (typeof results === "string") {
              answers[i] = { cluster, error: results };
              continue;
            }
            const value = results.get(`v${i}`)?.Values?.[0];
            const samples = results.get(`n${i}`)?.Values?.[0];
            answers[i] = {
              cluster,
              ...(value !== undefined && !Number.isNaN(value) ? { value } : {}),
              samples: samples ?? 0,
            };
          }
        }),
      );
      return answers;
    },
  };
}

function query(
  id: string,
  metric: CloudWatchMetric,
  cluster: ClusterRef,
  stat: string,
  period: number,
): MetricDataQuery {
  return {
    Id: id,
    ReturnData: true,
    MetricStat: {
      Metric: {
        Namespace: metric.namespace,
        MetricName: metric.metric,
        Dimensions: Object.entries(metric.dimensions).map(([Name, value]) => ({
          Name,
          Value: value
            .split(EKS_CLUSTER_PLACEHOLDER)
            .join(cluster.eksClusterName ?? "")
            .split(CLUSTER_PLACEHOLDER)
            .join(cluster.name),
        })),
      },
      Period: period,
      Stat: stat,
    },
  };
}

/** Every result by its id, following `NextToken` (at most a few pages: one datapoint each). */
async function getMetricData(
  client: CloudWatchClient,
  queries: MetricDataQuery[],
  start: Date,
  end: Date,
  signal: AbortSignal,
): Promise<Map<string, MetricDataResult>> {
  const out = new Map<string, MetricDataResult>();
  let token: string | undefined;
  for (let page = 0; page < 10; page++) {
    const res = await client.send(
      new GetMetricDataCommand({
        MetricDataQueries: queries,
        StartTime: start,
        EndTime: end,
        ScanBy: "TimestampDescending",
        ...(token ? { NextToken: token } : {}),
      }),
      { abortSignal: signal },
    );
    for (const r of res.MetricDataResults ?? []) {
      if (!r.Id) continue;
      const seen = out.get(r.Id);
      // Newest first: the first page's datapoint is the one of the window.
      if (!seen?.Values?.length) out.set(r.Id, r);
    }
    token = res.NextToken;
    if (!token) break;
  }
  return out;
}

function describeAwsError(err: unknown): string {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  if (status === undefined) return describeError(err);
  const message = (e.message ?? "").split("\n")[0];
  return `HTTP ${status} ${e.name ?? "Error"}${message ? `: ${message}` : ""}`;
}
