import type { Judged } from "./judge";

/**
 * Consecutive failures of one metric gate on one cluster, over the checks of a health wait or a
 * soak: a small pure fold, so that one noisy check does not halt a rollout and a persistent
 * failure does. The gate itself holds no state (one instance serves every cluster); whoever runs
 * the checks keeps one streak per gate and cluster and folds every result into it.
 */

/** A check's verdict as the streak counts it: `error` (no usable answer) counts as a failure. */
export type MetricVerdict = Judged | "error";

/**
 * Where a gate stands:
 *  - `passing`: the last check passed;
 *  - `waiting`: the last check could not judge (too few samples); nothing passed or failed;
 *  - `failing`: the last check failed, fewer than `consecutiveFailures` in a row so far;
 *  - `failed`: `consecutiveFailures` checks in a row failed. Final: later checks change nothing.
 */
export type StreakStatus = "passing" | "waiting" | "failing" | "failed";

export interface MetricStreak {
  status: StreakStatus;
  /** Failing checks in a row, not counting the waits between them. */
  failures: number;
}

/** Before the first check. */
export const NEW_STREAK: MetricStreak = { status: "waiting", failures: 0 };

/**
 * The streak after one more check. A pass resets the count; a failure or an error adds one, and
 * the `consecutiveFailures`-th fails the gate for good; a wait changes neither (a gap in the
 * data does not excuse the failures on either side of it).
 */
export function nextStreak(
  streak: MetricStreak,
  verdict: MetricVerdict,
  consecutiveFailures: number,
): MetricStreak {
  if (streak.status === "failed") return streak;
  if (verdict === "pass") return { status: "passing", failures: 0 };
  if (verdict === "wait") return { status: "waiting", failures: streak.failures };
  const failures = streak.failures + 1;
  return { status: failures >= Math.max(1, consecutiveFailures) ? "failed" : "failing", failures };
}
