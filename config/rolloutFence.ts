import { RolloutRefusal, type Fence, type FenceClaim } from "./rolloutState";

/**
 * The fence that makes the rollout lock safe against two rollouts started at the same moment.
 *
 * The lock itself (`aa:rollout-lock`, a stack tag) has no compare-and-swap: two rollouts that
 * read "free" within the same second can both believe they hold it. The fence closes that gap
 * inside the one operation the backend serialises, the stack update. Every update `aa rollout`
 * runs carries its lease ({@link FenceClaim}); the program compares it with the lease of the
 * last update (the `rolloutLock` stack output, read through the self-reference) and refuses the
 * update before it registers anything when another rollout has taken the environment since. So
 * of two rollouts that both think they hold the lock, exactly one changes anything: the first to
 * update. Pure; the program applies it (`program.ts`), `aa rollout` builds the claims
 * (`automation/rollout/production.ts`).
 */

/**
 * Begins the refusal's message, which reaches `aa rollout` only as text in the engine's output:
 * it tells this refusal from every other failed update.
 */
export const FENCE_MARKER = "[AA_ROLLOUT_FENCED]";

/** The update is refused: another rollout's lease holds the fence. */
export class FenceRefusal extends RolloutRefusal {
  constructor(
    readonly holder: Fence,
    readonly claim: FenceClaim,
  ) {
    super(
      `${FENCE_MARKER} this update belongs to the rollout taken by ${claim.by} (lease ` +
        `${claim.id}), but the stack's last update was made by another rollout, taken by ` +
        `${holder.by}${holder.since ? ` at ${holder.since}` : ""} (lease ${holder.id}): two ` +
        `rollouts started at once, and that one updated first. This one changed nothing and stops; ` +
        `\`aa status\` shows the rollout that holds the environment.`,
    );
  }
}

/**
 * The fence after an update: the claim's lease when it may update the stack, the previous fence
 * unchanged for an update that claims nothing (a plain `pulumi up`, or a directive written by an
 * older `aa`). Throws {@link FenceRefusal} when another rollout's lease holds it.
 */
export function fenceAfter(
  previous: Fence | null | undefined,
  claim: FenceClaim | undefined,
): Fence | null {
  if (!claim) return previous ?? null;
  if (previous && previous.id !== claim.id && previous.id !== claim.replaces) {
    throw new FenceRefusal(previous, claim);
  }
  return {
    id: claim.id,
    by: claim.by,
    ...(claim.pid !== undefined ? { pid: claim.pid } : {}),
    ...(claim.since ? { since: claim.since } : {}),
  };
}
