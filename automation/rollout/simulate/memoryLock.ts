import type { Clock, RolloutLockPort } from "../ports";

interface Lease {
  id: number;
}

/**
 * The rollout lock of a simulated environment, in memory. Like the real one it names the holder
 * and since when, is released only by its holder, and can be removed on purpose.
 */
export class MemoryRolloutLock implements RolloutLockPort {
  private holder: { id: number; by: string; since: number } | undefined;
  private next = 1;

  constructor(
    private readonly environment: string,
    private readonly clock: Clock,
    private readonly by: string,
  ) {}

  // Answers at once; a refusal is a rejected promise, as from the real lock.
  acquire(): Promise<Lease> {
    if (this.holder) {
      return Promise.reject(
        new Error(
          `environment "${this.environment}" is being rolled out by ${this.holder.by} since ${new Date(this.holder.since).toISOString()}; wait for that rollout to finish`,
        ),
      );
    }
    this.holder = { id: this.next++, by: this.by, since: this.clock.now() };
    return Promise.resolve({ id: this.holder.id });
  }

  verify(lease: unknown): Promise<void> {
    if (this.holder?.id !== (lease as Lease).id) {
      return Promise.reject(
        new Error(`the rollout lock of "${this.environment}" is no longer held by this rollout`),
      );
    }
    return Promise.resolve();
  }

  release(lease: unknown): Promise<void> {
    if (this.holder?.id === (lease as Lease).id) this.holder = undefined;
    return Promise.resolve();
  }

  /** Removes the lock of a rollout that died; returns who held it. */
  forceUnlock(): string | undefined {
    const by = this.holder?.by;
    this.holder = undefined;
    return by;
  }
}
