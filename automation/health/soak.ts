import type { Clock } from "./clock";
import type { GateResult } from "./gate";
import { checkDuration, type GateRound, type RoundCheck } from "./run";

/** Arguments of {@link soak}. */
export interface SoakArgs<R extends { ok: boolean } = GateResult> {
  /**
   * Runs one round of checks on the cluster, e.g. `gateRound(gates, target)` or a rollout's
   * `ClusterHealth` port. Each check keeps its own timeout.
   */
  check: RoundCheck<R>;
  clock: Clock;
  /** How long the checks must hold, milliseconds (on `clock`). */
  durationMs: number;
  /** Pause between rounds, milliseconds; 0 runs them back to back. @default 10000 */
  pollIntervalMs?: number;
  /** Stops the soak; the outcome is then `reason: "aborted"`. */
  signal?: AbortSignal;
  /** Called after every round. */
  onRound?: (round: GateRound<R>) => void;
}

/** How a soak ended. */
export type SoakOutcome<R extends { ok: boolean } = GateResult> =
  | { ok: true; rounds: number; elapsedMs: number }
  | {
      ok: false;
      /** "failed": a check failed during the window. "aborted": the signal stopped the soak. */
      reason: "failed" | "aborted";
      rounds: number;
      elapsedMs: number;
      /** The results of the round that ended the soak. */
      results: R[];
      /** The checks that failed in that round. */
      failing: R[];
    };

/**
 * Checks that the gates HOLD for a window: a round at the start, one every poll interval, and a
 * last one at the end of the window; the first failing round ends the soak (one bad round after
 * an undrain is exactly what the soak is there to catch). Pure apart from its ports.
 */
export async function soak<R extends { ok: boolean }>(args: SoakArgs<R>): Promise<SoakOutcome<R>> {
  const poll = args.pollIntervalMs ?? 10_000;
  checkDuration("soak", "durationMs", args.durationMs, 0);
  checkDuration("soak", "pollIntervalMs", poll, 0);
  const start = args.clock.now();
  const end = start + args.durationMs;
  for (let round = 1; ; round++) {
    const results = await args.check({ signal: args.signal });
    const ok = results.every((r) => r.ok);
    const elapsedMs = args.clock.now() - start;
    const remainingMs = Math.max(0, end - args.clock.now());
    args.onRound?.({ round, elapsedMs, remainingMs, ok, results });
    const stopped = (reason: "failed" | "aborted") => ({
      ok: false as const,
      reason,
      rounds: round,
      elapsedMs,
      results,
      failing: results.filter((r) => !r.ok),
    });
    if (args.signal?.aborted) return stopped("aborted");
    if (!ok) return stopped("failed");
    const left = end - args.clock.now();
    if (left <= 0) return { ok: true, rounds: round, elapsedMs };
    try {
      await args.clock.sleep(Math.min(poll, left), args.signal);
    } catch {
      return stopped("aborted");
    }
  }
}
