import { randomUUID } from "node:crypto";
import * as os from "node:os";
import { LOCK_TAG, decodeHolder, describeHolder, encodeHolder } from "./_lockRecord";
import {
  RolloutLockLostError,
  RolloutLockNotKeptError,
  RolloutLockedError,
  type LockHolder,
  type LockLease,
  type RolloutLock,
} from "./lock";
import type { TagStore } from "./tagStore";

/** Who this process is, as a lock holder. */
export interface LockIdentity {
  user: string;
  host: string;
  pid: number;
}

/** Arguments of {@link TagRolloutLock}. */
export interface TagRolloutLockArgs {
  /** The environment (stack name), for messages. */
  environment: string;
  /** The stack's tags, where the lock is kept. */
  tags: TagStore;
  /** Who is taking the lock. @default this process: OS user, host name and pid */
  identity?: LockIdentity;
  /** The clock. @default the system clock */
  now?: () => Date;
  /** A new unique id for each hold. @default a random UUID */
  newId?: () => string;
  /**
   * Whether a process runs on this host; only used to tell the operator that a lock taken on
   * this host by a process that is gone is stale. Never used to remove a lock.
   * @default `process.kill(pid, 0)`
   */
  processAlive?: (pid: number) => boolean;
  /** The command that removes a dead rollout's lock, quoted in messages. @default `aa rollout <environment> --force-unlock` */
  unlockCommand?: string;
}

/**
 * The rollout lock kept as one stack tag, `aa:rollout-lock`, whose value records the holder
 * (`user@host`, pid, since, a unique id). Stack tags live in the Pulumi backend, so every machine
 * that can run `pulumi up` on the environment sees the lock.
 *
 * Taking it: read the tag (held → refused with the holder), write our record, read it back (not
 * ours → someone wrote at the same moment: refused with the winner; missing → the backend does
 * not keep tags: refused). Tags have no compare-and-swap, so two rollouts started within the same
 * second can both read "free"; the read-back makes the later writer win and the earlier one
 * notice at its next {@link verify}, which the orchestrator calls before every change.
 */
export class TagRolloutLock implements RolloutLock {
  readonly environment: string;
  private readonly tags: TagStore;
  private readonly identity: LockIdentity;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly processAlive: (pid: number) => boolean;
  private readonly unlockCommand: string;

  constructor(args: TagRolloutLockArgs) {
    this.environment = args.environment;
    this.tags = args.tags;
    this.identity = args.identity ?? currentIdentity();
    this.now = args.now ?? (() => new Date());
    this.newId = args.newId ?? randomUUID;
    this.processAlive = args.processAlive ?? isProcessAlive;
    this.unlockCommand = args.unlockCommand ?? `aa rollout ${args.environment} --force-unlock`;
  }

  async acquire(): Promise<LockLease> {
    const current = await this.inspect();
    if (current) throw this.locked(current);

    const mine: LockHolder = {
      id: this.newId(),
      by: `${this.identity.user}@${this.identity.host}`,
      pid: this.identity.pid,
      since: this.now(),
    };
    const lease: LockLease = { environment: this.environment, holder: mine };
    await this.tags.set(LOCK_TAG, encodeHolder(mine));

    const after = await this.inspect();
    if (!after) {
      throw new RolloutLockNotKeptError(
        this.environment,
        `could not be taken: the tag "${LOCK_TAG}" was written to ${this.tags.where} but is not ` +
          `there when read back. Stack tags need Pulumi Cloud, or a DIY backend (S3, Azure Blob, ` +
          `GCS, file) with Pulumi CLI 3.211 or newer; upgrade the CLI (\`pulumi version\`).`,
      );
    }
    if (after.id !== mine.id) throw this.locked(after);
    return lease;
  }

  async inspect(): Promise<LockHolder | undefined> {
    const value = (await this.tags.list())[LOCK_TAG];
    return value === undefined ? undefined : decodeHolder(value);
  }

  async verify(lease: LockLease): Promise<void> {
    const current = await this.inspect();
    if (current?.id !== lease.holder.id || current.id === "") throw this.lost(lease, current);
  }

  async release(lease: LockLease): Promise<void> {
    const current = await this.inspect();
    if (!current) return;
    if (current.id !== lease.holder.id) throw this.lost(lease, current);
    await this.tags.remove(LOCK_TAG);
    const after = await this.inspect();
    if (after?.id === lease.holder.id) {
      throw new RolloutLockNotKeptError(
        this.environment,
        `could not be released: ${this.tags.where} still has the tag "${LOCK_TAG}" after it was ` +
          `removed (DIY backends before the fix of pulumi/pulumi#23687 never remove a stack's ` +
          `last tag). Remove it with \`${this.unlockCommand}\`.`,
      );
    }
  }

  /**
   * Gives the lock to `holder` instead of freeing it, when the lease still holds it: a rollout
   * that lost the race to update the stack hands the tag to the one that won. Does nothing when
   * the lease no longer holds it.
   */
  async handTo(lease: LockLease, holder: LockHolder): Promise<void> {
    const current = await this.inspect();
    if (current?.id !== lease.holder.id) return;
    await this.tags.set(LOCK_TAG, encodeHolder(holder));
  }

  async forceUnlock(): Promise<LockHolder | undefined> {
    const current = await this.inspect();
    if (!current) return undefined;
    await this.tags.remove(LOCK_TAG);
    if (await this.inspect()) {
      throw new RolloutLockNotKeptError(
        this.environment,
        `could not be removed: ${this.tags.where} still has the tag "${LOCK_TAG}" (DIY backends ` +
          `before the fix of pulumi/pulumi#23687 never remove a stack's last tag: set another tag ` +
          `first, e.g. \`pulumi stack tag set aa:environment ${this.environment}\`, then retry).`,
      );
    }
    return current;
  }

  /** "alice@build-7 (pid 4121) since ... (12 minutes ago)", for the operator. */
  describe(holder: LockHolder): string {
    return describeHolder(holder, this.now());
  }

  private locked(holder: LockHolder): RolloutLockedError {
    return new RolloutLockedError(
      this.environment,
      holder,
      this.describe(holder),
      this.unlockCommand,
      this.staleHint(holder),
    );
  }

  private lost(lease: LockLease, holder: LockHolder | undefined): RolloutLockLostError {
    return new RolloutLockLostError(
      this.environment,
      lease,
      holder,
      holder ? this.describe(holder) : undefined,
    );
  }

  /** A hint, never a decision: the holder's process is gone from this very host. */
  private staleHint(holder: LockHolder): string | undefined {
    const host = holder.by.slice(holder.by.lastIndexOf("@") + 1);
    if (holder.pid === undefined || host !== this.identity.host) return undefined;
    if (holder.pid === this.identity.pid || this.processAlive(holder.pid)) return undefined;
    return `Process ${holder.pid} is no longer running on this host (${host}), so that rollout looks dead`;
  }
}

/** This process as a lock holder. */
export function currentIdentity(): LockIdentity {
  let user: string;
  try {
    user = os.userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers).
    user = process.env.USER ?? process.env.LOGNAME ?? `uid-${process.getuid?.() ?? "unknown"}`;
  }
  return { user, host: os.hostname(), pid: process.pid };
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
