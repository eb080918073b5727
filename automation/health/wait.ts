import type { Clock } from "./clock";
import { checkDuration, type GateRound, type RoundCheck } from "./run";
import type { GateResult } from "./gate";

/** Arguments of {@link waitUntilHealthy}. */
export interface HealthWaitArgs<R extends { ok: boolean } = GateResult> {
  /**
   * Runs one round of checks on the cluster, e.g. `gateRound(gates, target)` or a rollout's
   * `ClusterHealth` port. It is given the time left before the deadline and must not take longer.
   */
  check: RoundCheck<R>;
  clock: Clock;
  /** Give up after this many milliseconds (on `clock`). At least one round always runs. */
  timeoutMs: number;
  /** Pause between rounds, milliseconds; 0 runs them back to back. @default 10000 */
  pollIntervalMs?: number;
  /** Stops the wait; the outcome is then `reason: "aborted"`. */
  signal?: AbortSignal;
  /** Called after every round. */
  onRound?: (round: GateRound<R>) => void;
  /**
   * Whether a failing result can no longer turn to a pass (a metric gate that failed its
   * consecutive checks): a round with one ends the wait at once, with `reason: "failed"`.
   * @default none is
   */
  final?: (result: R) => boolean;
}

/** How a health wait ended. */
export type HealthWaitOutcome<R extends { ok: boolean } = GateResult> =
  | { ok: true; rounds: number; elapsedMs: number; results: R[] }
  | {
      ok: false;
      /**
       * "timeout": still failing at the deadline. "aborted": the signal stopped the wait.
       * "failed": a failing result was final (`final`), so waiting longer could not help.
       */
      reason: "timeout" | "aborted" | "failed";
      rounds: number;
      elapsedMs: number;
      /** The last round's results. */
      results: R[];
      /** The checks that failed in the last round. */
      failing: R[];
    };

/**
 * Runs rounds of checks, a poll interval apart, until one round passes completely or the deadline
 * comes. A round starts only at or before the deadline, and is given the time left
 * (`maxTimeoutMs`), so that a gate's timeout is capped by it and a hanging probe cannot carry the
 * wait past its deadline by more than a millisecond or so. Pure apart from the ports it is given
 * (the round, the clock).
 */
export async function waitUntilHealthy<R extends { ok: boolean }>(
  args: HealthWaitArgs<R>,
): Promise<HealthWaitOutcome<R>> {
  const poll = args.pollIntervalMs ?? 10_000;
  checkDuration("waitUntilHealthy", "timeoutMs", args.timeoutMs, 0);
  checkDuration("waitUntilHealthy", "pollIntervalMs", poll, 0);
  const start = args.clock.now();
  const deadline = start + args.timeoutMs;
  let results: R[] = [];
  for (let round = 1; ; round++) {
    results = await args.check({
      signal: args.signal,
      maxTimeoutMs: Math.max(1, deadline - args.clock.now()),
    });
    const ok = results.every((r) => r.ok);
    const elapsedMs = args.clock.now() - start;
    const remainingMs = Math.max(0, deadline - args.clock.now());
    args.onRound?.({ round, elapsedMs, remainingMs, ok, results });
    if (ok) return { ok: true, rounds: round, elapsedMs, results };
    const failed = (reason: "timeout" | "aborted" | "failed") => ({
      ok: false as const,
      reason,
      rounds: round,
      elapsedMs: args.clock.now() - start,
      results,
      failing: results.filter((r) => !r.ok),
    });
    if (args.signal?.aborted) return failed("aborted");
    if (args.final && results.some((r) => !r.ok && args.final!(r))) return failed("failed");
    // The next round comes a whole interval later; one that would start after the deadline is
    // not run (a round cut short to the last moment could only time out, hiding the real failure).
    if (args.clock.now() + poll > deadline) return failed("timeout");
    try {
      await args.clock.sleep(poll, args.signal);
    } catch {
      return failed("aborted");
    }
  }
}
