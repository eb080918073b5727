import type { ClusterTarget } from "./target";

/**
 * Why a gate did not pass. `unhealthy`: the cluster answered and the answer is bad (a node is
 * NotReady, a probe returned 503). `error`: no usable answer (connection refused, HTTP 500 on a
 * listing, an unreadable kubeconfig). `timeout`: no answer within the gate's timeout.
 * `aborted`: the caller cancelled the check. `waiting`: the gate cannot judge yet (a metric gate
 * with too few samples in its window); not a pass, and not a statement about the cluster: a caller
 * may check again instead of failing. Only `unhealthy` is a statement about the cluster's health;
 * the others say the gate could not find out, and are failures all the same unless the caller
 * treats `waiting` apart.
 */
export type GateFailure = "unhealthy" | "error" | "timeout" | "aborted" | "waiting";

/** What one gate found on one cluster. Plain data: safe to print and to send as a JSON event. */
export interface GateResult<O = unknown> {
  /** The gate's name, e.g. "nodes". */
  gate: string;
  /** The cluster's name, e.g. "use1-a". */
  cluster: string;
  /** True only when the gate positively saw the cluster healthy. */
  ok: boolean;
  /** Why the gate failed; absent when `ok`. */
  failure?: GateFailure;
  /**
   * One line for people: on success a summary ("3 nodes Ready at v1.33"), on failure the reason
   * ("node ip-10-1-2-3 Ready=False", "GET http://lb/healthz -> 503"). Never contains a secret.
   */
  detail: string;
  /** What the gate observed, as plain JSON data (its shape is documented per gate). */
  observed?: O;
}

/** Options of one check. */
export interface GateCheckOptions {
  /** Cancels the check; the result is then a failure with `failure: "aborted"`. */
  signal?: AbortSignal;
  /**
   * Milliseconds after which the check counts as failed (`failure: "timeout"`), whatever the
   * cluster is doing. @default the gate's own `timeoutMs`
   */
  timeoutMs?: number;
}

/**
 * One health gate: a question asked of one cluster, answered within a timeout. `check` never
 * throws and never hangs past its timeout: every outcome, including "could not ask", is a
 * {@link GateResult}. A gate holds no state between checks, so one instance serves every cluster.
 */
export interface HealthGate<O = unknown> {
  /** Stable name used in events and docs, e.g. "api-server". */
  readonly name: string;
  /** Default timeout of one check, milliseconds. */
  readonly timeoutMs: number;
  check(target: ClusterTarget, opts?: GateCheckOptions): Promise<GateResult<O>>;
}
