import type { FenceClaim } from "../../config/rolloutState";
import { FENCE_MARKER } from "../../config/rolloutFence";
import type { LockLease } from "../automationApi/lock";
import type { TagRolloutLock } from "../automationApi/tagLock";
import { StackCommandError } from "../automationApi/errors";
import type { DeployedState } from "../automationApi/deployedState";
import { LockTakenError, type RolloutLockPort } from "./ports";

/**
 * The production rollout lock: the stack-tag lock (who holds the environment, refused at once
 * with the holder), and the fence every update of the rollout carries (`config/rolloutFence.ts`),
 * which the backend's own update lock serialises. The tag has no compare-and-swap; the fence
 * makes sure that of two rollouts that both took the tag, only the first to update changes
 * anything.
 */
export class FencedRolloutLock implements RolloutLockPort {
  private held: FenceClaim | undefined;

  constructor(
    private readonly lock: TagRolloutLock,
    /** The stack's outputs, where the fence is (`rolloutLock`). */
    private readonly outputs: () => Promise<Pick<DeployedState, "rolloutLock"> | undefined>,
  ) {}

  /**
   * Reads the fence, then takes the tag. In this order: a rollout that updated the stack before
   * the fence was read had already taken the tag, so the tag refuses us; one that updates after
   * finds our claim's `replaces` out of date, and the first update of the two wins.
   */
  async acquire(): Promise<LockLease> {
    const replaces = (await this.outputs())?.rolloutLock?.id ?? null;
    const lease = await this.lock.acquire();
    const { id, by, pid, since } = lease.holder;
    this.held = {
      id,
      by,
      ...(pid !== undefined ? { pid } : {}),
      ...(since ? { since: since.toISOString() } : {}),
      replaces,
    };
    return lease;
  }

  verify(lease: unknown): Promise<void> {
    return this.lock.verify(lease as LockLease);
  }

  /**
   * Gives the lock back, or, when another rollout has updated the stack since this one took it
   * (the two raced and that one won the fence), hands the tag to that rollout, so that its own
   * lock checks keep passing; someone else's tag is then left alone.
   */
  async release(lease: unknown): Promise<void> {
    const claim = this.held;
    this.held = undefined;
    const fence = claim ? (await this.outputs())?.rolloutLock : undefined;
    if (claim && fence && fence.id !== claim.id && fence.id !== claim.replaces) {
      const { id, by, pid, since } = fence;
      await this.lock.handTo(lease as LockLease, {
        id,
        by,
        ...(pid !== undefined ? { pid } : {}),
        ...(since ? { since: new Date(since) } : {}),
      });
      return;
    }
    await this.lock.release(lease as LockLease);
  }

  /** What this rollout's updates claim; undefined while it holds no lock. */
  claim(): FenceClaim | undefined {
    return this.held;
  }
}

/**
 * Rethrows the error of a failed `pulumi preview`/`up`: the fence's refusal as a
 * {@link LockTakenError} carrying the program's own sentence, any other error unchanged.
 */
export function rethrowFenceRefusal(err: unknown): never {
  if (err instanceof StackCommandError) {
    for (const text of [...err.diagnostics, err.stderr]) {
      const at = text.indexOf(FENCE_MARKER);
      if (at < 0) continue;
      const sentence = text
        .slice(at + FENCE_MARKER.length)
        .split("\n")[0]
        .trim();
      throw new LockTakenError(`the stack refused the update: ${sentence}`);
    }
  }
  throw err;
}
