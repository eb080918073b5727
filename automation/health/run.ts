import { Redactor } from "../redact/redactor";
import { describeError } from "../k8s/probeError";
import type { GateResult, HealthGate } from "./gate";
import type { ClusterTarget } from "./target";

/** Options of {@link runGates}. */
export interface RunGatesOptions {
  /** Cancels the remaining checks; each cancelled one reports `failure: "aborted"`. */
  signal?: AbortSignal;
  /**
   * Upper bound on every gate's timeout, milliseconds (e.g. the time left before a deadline).
   * @default no bound: each gate uses its own timeout
   */
  maxTimeoutMs?: number;
  /** Called with each result as soon as it is known (for live progress and events). */
  onResult?: (result: GateResult) => void;
}

/**
 * Runs the gates on one cluster, one after the other in the given order, and returns every result.
 * All gates run even after one fails, so a report shows the whole picture ("nodes NotReady" and
 * "coredns 0/2" together). Never throws: a gate that throws despite its contract is reported as a
 * failed result too.
 */
export async function runGates(
  gates: readonly HealthGate[],
  target: ClusterTarget,
  opts: RunGatesOptions = {},
): Promise<GateResult[]> {
  const results: GateResult[] = [];
  for (const gate of gates) {
    const timeoutMs =
      opts.maxTimeoutMs === undefined
        ? gate.timeoutMs
        : Math.max(1, Math.min(gate.timeoutMs, opts.maxTimeoutMs));
    let result: GateResult;
    try {
      result = await gate.check(target, { signal: opts.signal, timeoutMs });
    } catch (err) {
      const redactor = new Redactor();
      redactor.remember(target.kubeconfig);
      const detail = redactor.redact(`gate failed: ${describeError(err)}`);
      result = { gate: gate.name, cluster: target.name, ok: false, failure: "error", detail };
    }
    results.push(result);
    opts.onResult?.(result);
  }
  return results;
}

/** What a round of checks is given by the health wait and the soak. */
export interface RoundOptions {
  /** Aborted when the caller stops the wait or soak: pass it to every check. */
  signal?: AbortSignal;
  /**
   * The time left before the wait's deadline, milliseconds (at least 1): no check of this round
   * may take longer (`runGates` caps every gate's timeout by it). Absent during a soak: each
   * check keeps its own timeout.
   */
  maxTimeoutMs?: number;
}

/**
 * One round of checks on one cluster: every gate once, each outcome with `ok`. Like a gate it
 * never throws and honours `maxTimeoutMs` and `signal`. {@link gateRound} makes one from gates;
 * the rollout passes its `ClusterHealth` port.
 */
export type RoundCheck<R extends { ok: boolean } = GateResult> = (
  opts: RoundOptions,
) => Promise<R[]>;

/**
 * A round that runs these gates on this target with {@link runGates}: what the health wait and
 * the soak run when the caller holds the gates themselves. Throws at once when given no gates,
 * since a round of none would pass without asking anything.
 */
export function gateRound(
  gates: readonly HealthGate[],
  target: ClusterTarget,
  opts: Pick<RunGatesOptions, "onResult"> = {},
): RoundCheck<GateResult> {
  if (gates.length === 0) throw new Error("gateRound: give at least one gate");
  return (round) => runGates(gates, target, { ...round, onResult: opts.onResult });
}

/** One round of every gate on one cluster, as the health wait and the soak report it. */
export interface GateRound<R extends { ok: boolean } = GateResult> {
  /** 1 for the first round. */
  round: number;
  /** Milliseconds since the wait or soak started (on its clock). */
  elapsedMs: number;
  /**
   * Milliseconds left, never below 0: before the wait's deadline, or until the soak's window
   * ends.
   */
  remainingMs: number;
  /** True when every gate passed. */
  ok: boolean;
  results: R[];
}

/** Throws a RangeError naming the argument unless `ms` is a finite number of at least `min`. */
export function checkDuration(fn: string, field: string, ms: number, min: number): void {
  if (!Number.isFinite(ms) || ms < min) {
    throw new RangeError(`${fn}: ${field} must be a number of milliseconds >= ${min}, got ${ms}`);
  }
}
