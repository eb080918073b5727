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
  /**
   * Whether a passing result lets the soak end: one that is not (a metric gate that has not
   * judged yet, or is failing fewer checks in a row than fail it) keeps the soak going past its
   * window, a round every poll interval, until every result settles, one fails, or
   * `overtimeMs` more have passed (`reason: "unsettled"`). @default every result settles
   */
  settled?: (result: R) => boolean;
  /** How long past its window a soak may wait for unsettled results, milliseconds. @default 0 */
  overtimeMs?: number;
}

/** How a soak ended. */
export type SoakOutcome<R extends { ok: boolean } = GateResult> =
  | { ok: true; rounds: number; elapsedMs: number }
  | {
      ok: false;
      /**
       * "failed": a check failed during the window. "aborted": the signal stopped the soak.
       * "unsettled": some results had not settled (`settled`) by the end of the overtime.
       */
      reason: "failed" | "aborted" | "unsettled";
      rounds: number;
      elapsedMs: number;
      /** The results of the round that ended the soak. */
      results: R[];
      /** The checks that failed in that round (for "unsettled": those that had not settled). */
      failing: R[];
    };

/**
 * Checks that the gates HOLD for a window: a round at the start, one every poll interval, and a
 * last one at the end of the window; the first failing round ends the soak (one bad round after
 * an undrain is exactly what the soak is there to catch). With `settled`, the window ends only
 * once every result has settled, up to `overtimeMs` later. Pure apart from its ports.
 */
export async function soak<R extends { ok: boolean }>(args: SoakArgs<R>): Promise<SoakOutcome<R>> {
  const poll = args.pollIntervalMs ?? 10_000;
  checkDuration("soak", "durationMs", args.durationMs, 0);
  checkDuration("soak", "pollIntervalMs", poll, 0);
  const overtime = args.overtimeMs ?? 0;
  checkDuration("soak", "overtimeMs", overtime, 0);
  const start = args.clock.now();
  const end = start + args.durationMs;
  const settled = args.settled ?? (() => true);
  for (let round = 1; ; round++) {
    const results = await args.check({ signal: args.signal });
    const ok = results.every((r) => r.ok);
    const elapsedMs = args.clock.now() - start;
    const remainingMs = Math.max(0, end - args.clock.now());
    args.onRound?.({ round, elapsedMs, remainingMs, ok, results });
    const stopped = (reason: "failed" | "aborted" | "unsettled") => ({
      ok: false as const,
      reason,
      rounds: round,
      elapsedMs,
      results,
      failing: results.filter((r) => (reason === "unsettled" ? !settled(r) : !r.ok)),
    });
    if (args.signal?.aborted) return stopped("aborted");
    if (!ok) return stopped("failed");
    const left = end - args.clock.now();
    const unsettled = results.some((r) => !settled(r));
    if (left <= 0 && !unsettled) return { ok: true, rounds: round, elapsedMs };
    // Past the window, a round comes every interval while any result is unsettled; one that
    // would start after the overtime is not run.
    const overLeft = end + overtime - args.clock.now();
    if (left <= 0 && (overLeft <= 0 || overLeft < poll)) return stopped("unsettled");
    try {
      await args.clock.sleep(left > 0 ? Math.min(poll, left) : poll, args.signal);
    } catch {
      return stopped("aborted");
    }
  }
}
