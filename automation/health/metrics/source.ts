import type { ClusterReading } from "./judge";

/**
 * The port a metric gate reads through: one query, answered for several clusters at once (the
 * changed one and its baseline). One production adapter per provider: `prometheus.ts`,
 * `cloudwatch.ts`.
 */

/** A cluster a source is asked about. */
export interface ClusterRef {
  name: string;
  /** Its AWS region (CloudWatch reads there). @default the source's default region */
  region?: string;
  /** Its EKS cluster's name (`{{eksCluster}}` in CloudWatch dimensions), when known. */
  eksClusterName?: string;
}

/** One cluster's answer: a reading, or why there is none (Prometheus down, HTTP 500, ...). */
export type ClusterAnswer = ClusterReading | { cluster: string; error: string };

/** What {@link MetricSource.read} is given. */
export interface ReadOptions {
  /** Aborts every request of this read. */
  signal: AbortSignal;
}

export interface MetricSource {
  /** The query as people read it, in every detail: PromQL, or the CloudWatch metric. */
  readonly query: string;
  /**
   * Reads the value (and samples) of every cluster, one answer per cluster in the order given.
   * A failure to ask is an answer with `error`, never a rejection; only an abort rejects.
   */
  read(clusters: readonly ClusterRef[], opts: ReadOptions): Promise<ClusterAnswer[]>;
}

/** True when an answer is an error rather than a reading. */
export function isError(answer: ClusterAnswer): answer is { cluster: string; error: string } {
  return "error" in answer;
}
