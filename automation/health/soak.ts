import type { Clock } from "./clock";
import type { GateResult, HealthGate } from "./gate";
import { checkDuration, runGates, type GateRound } from "./run";
import type { ClusterTarget } from "./target";

/** Arguments of {@link soak}. */
export interface SoakArgs {
  /** The gates, run in this order each round. At least one. */
  gates: readonly HealthGate[];
  target: ClusterTarget;
  clock: Clock;
  /** How long the gates must hold, milliseconds (on `clock`). */
  durationMs: number;
  /** Pause between rounds, milliseconds. @default 10000 */
  pollIntervalMs?: number;
  /** Stops the soak; the outcome is then `reason: "aborted"`. */
  signal?: AbortSignal;
  /** Called after every round. */
  onRound?: (round: GateRound) => void;
  /** Called with every gate result as soon as it is known. */
  onResult?: (result: GateResult) => void;
}

/** How a soak ended. */
export type SoakOutcome =
  | { ok: true; rounds: number; elapsedMs: number }
  | {
      ok: false;
      /** "failed": a gate failed during the window. "aborted": the signal stopped the soak. */
      reason: "failed" | "aborted";
      rounds: number;
      elapsedMs: number;
      /** The results of the round that ended the soak. */
      results: GateResult[];
      /** The gates that failed in that round. */
      failing: GateResult[];
    };

/**
 * Checks that the gates HOLD for a window: a round at the start, one every poll interval, and a
 * last one at the end of the window; the first failing round ends the soak (one bad round after
 * an undrain is exactly what the soak is there to catch). Pure apart from its ports.
 */
export async function soak(args: SoakArgs): Promise<SoakOutcome> {
  if (args.gates.length === 0) throw new Error("soak: give at least one gate");
  const poll = args.pollIntervalMs ?? 10_000;
  checkDuration("soak", "durationMs", args.durationMs, 0);
  checkDuration("soak", "pollIntervalMs", poll, 1);
  const start = args.clock.now();
  const end = start + args.durationMs;
  for (let round = 1; ; round++) {
    const results = await runGates(args.gates, args.target, {
      signal: args.signal,
      onResult: args.onResult,
    });
    const ok = results.every((r) => r.ok);
    const elapsedMs = args.clock.now() - start;
    args.onRound?.({ round, elapsedMs, ok, results });
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
