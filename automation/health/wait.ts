import type { Clock } from "./clock";
import type { GateResult, HealthGate } from "./gate";
import { checkDuration, runGates, type GateRound } from "./run";
import type { ClusterTarget } from "./target";

/** Arguments of {@link waitUntilHealthy}. */
export interface HealthWaitArgs {
  /** The gates, run in this order each round. At least one. */
  gates: readonly HealthGate[];
  target: ClusterTarget;
  clock: Clock;
  /** Give up after this many milliseconds (on `clock`). At least one round always runs. */
  timeoutMs: number;
  /** Pause between rounds, milliseconds. @default 10000 */
  pollIntervalMs?: number;
  /** Stops the wait; the outcome is then `reason: "aborted"`. */
  signal?: AbortSignal;
  /** Called after every round. */
  onRound?: (round: GateRound) => void;
  /** Called with every gate result as soon as it is known. */
  onResult?: (result: GateResult) => void;
}

/** How a health wait ended. */
export type HealthWaitOutcome =
  | { ok: true; rounds: number; elapsedMs: number; results: GateResult[] }
  | {
      ok: false;
      /** "timeout": still failing at the deadline. "aborted": the signal stopped the wait. */
      reason: "timeout" | "aborted";
      rounds: number;
      elapsedMs: number;
      /** The last round's results. */
      results: GateResult[];
      /** The gates that failed in the last round. */
      failing: GateResult[];
    };

/**
 * Runs every gate in rounds until one round passes completely or the deadline comes. Each gate's
 * timeout is capped by the time left, so a hanging probe cannot carry the wait past its deadline
 * by more than a millisecond or so. Pure apart from the ports it is given (gates, clock).
 */
export async function waitUntilHealthy(args: HealthWaitArgs): Promise<HealthWaitOutcome> {
  if (args.gates.length === 0) throw new Error("waitUntilHealthy: give at least one gate");
  const poll = args.pollIntervalMs ?? 10_000;
  checkDuration("waitUntilHealthy", "timeoutMs", args.timeoutMs, 0);
  checkDuration("waitUntilHealthy", "pollIntervalMs", poll, 1);
  const start = args.clock.now();
  const deadline = start + args.timeoutMs;
  let results: GateResult[] = [];
  for (let round = 1; ; round++) {
    results = await runGates(args.gates, args.target, {
      signal: args.signal,
      maxTimeoutMs: Math.max(1, deadline - args.clock.now()),
      onResult: args.onResult,
    });
    const ok = results.every((r) => r.ok);
    const elapsedMs = args.clock.now() - start;
    args.onRound?.({ round, elapsedMs, ok, results });
    if (ok) return { ok: true, rounds: round, elapsedMs, results };
    const failed = (reason: "timeout" | "aborted") => ({
      ok: false as const,
      reason,
      rounds: round,
      elapsedMs: args.clock.now() - start,
      results,
      failing: results.filter((r) => !r.ok),
    });
    if (args.signal?.aborted) return failed("aborted");
    const left = deadline - args.clock.now();
    if (left <= 0) return failed("timeout");
    try {
      await args.clock.sleep(Math.min(poll, left), args.signal);
    } catch {
      return failed("aborted");
    }
  }
}
