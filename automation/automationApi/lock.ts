import { AaError, ExitCode } from "../../errors/aaError";
/** Who holds an environment's rollout lock, and since when. */
export interface LockHolder {
  /** Unique id of this hold; a new one for every acquire. */
  id: string;
  /** Who took it: `user@host`. */
  by: string;
  /** The process on that host that took it. Undefined when the record could not be read. */
  pid?: number;
  /** When it was taken. Undefined when the record could not be read. */
  since?: Date;
  /** The stored record, when it could not be read (someone edited the tag by hand). */
  unreadable?: string;
}

/** Proof of holding the lock, returned by {@link RolloutLock.acquire}. */
export interface LockLease {
  readonly environment: string;
  readonly holder: LockHolder;
}

/**
 * One rollout per environment at a time. A second `aa rollout` of the same environment, from any
 * machine, sees who holds the lock and since when, and is refused. A lock is only ever removed by
 * its holder ({@link release}) or by an operator on purpose ({@link forceUnlock}); never because
 * it looks old. Production side: {@link TagRolloutLock} on the stack's tags.
 */
export interface RolloutLock {
  readonly environment: string;
  /** Takes the lock, or fails with {@link RolloutLockedError} naming the holder. */
  acquire(): Promise<LockLease>;
  /** The current holder, or undefined when the environment is not locked. */
  inspect(): Promise<LockHolder | undefined>;
  /**
   * Checks that the lease still holds the lock; fails with {@link RolloutLockLostError}
   * otherwise. Call it before every step that changes the environment.
   */
  verify(lease: LockLease): Promise<void>;
  /**
   * Gives the lock back. Does nothing when nobody holds it any more; fails with
   * {@link RolloutLockLostError} when someone else holds it now (theirs is left alone).
   */
  release(lease: LockLease): Promise<void>;
  /**
   * Removes the lock whoever holds it, for a rollout that died without releasing it. Returns the
   * holder that was removed (undefined when there was none), so the operator can be told.
   */
  forceUnlock(): Promise<LockHolder | undefined>;
}

/** Any failure of the rollout lock. */
export class RolloutLockError extends AaError {
  readonly exit = ExitCode.Refused;
  readonly code = "AA_ROLLOUT_LOCKED";

  constructor(
    message: string,
    readonly environment: string,
  ) {
    super(message);
  }
}

/** Someone else is rolling out this environment. */
export class RolloutLockedError extends RolloutLockError {
  constructor(
    environment: string,
    readonly holder: LockHolder,
    description: string,
    unlockCommand: string,
    staleHint?: string,
  ) {
    super(
      `environment "${environment}" is being rolled out by ${description}; ` +
        `wait for that rollout to finish. ` +
        (staleHint ? `${staleHint}. ` : "") +
        `If it is dead (its process is gone and nobody is running it), remove its lock with ` +
        `\`${unlockCommand}\` and run again.`,
      environment,
    );
    this.name = "RolloutLockedError";
  }
}

/** The lock this rollout held was removed or taken over; the rollout must stop. */
export class RolloutLockLostError extends RolloutLockError {
  constructor(
    environment: string,
    readonly lease: LockLease,
    readonly holder: LockHolder | undefined,
    description: string | undefined,
  ) {
    super(
      `the rollout lock of environment "${environment}" is no longer held by this rollout ` +
        `(taken ${lease.holder.since?.toISOString() ?? "earlier"}): ` +
        (description
          ? `it is now held by ${description}`
          : "it was removed, probably with a forced unlock") +
        `. Stopping here; check \`aa status ${environment}\` before running again.`,
      environment,
    );
    this.name = "RolloutLockLostError";
  }
}

/** The backend did not keep what was written: the lock cannot work there. */
export class RolloutLockNotKeptError extends RolloutLockError {
  constructor(environment: string, detail: string) {
    super(`the rollout lock of environment "${environment}" ${detail}`, environment);
    this.name = "RolloutLockNotKeptError";
  }
}
