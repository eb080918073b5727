import type { Clock } from "../ports";

/**
 * Compressed time for simulations and tests: `sleep` returns at once and moves the clock on, so
 * a 10-minute soak takes no real time, and every run of the same scenario is identical.
 */
export class VirtualClock implements Clock {
  private current: number;

  constructor(start: number = Date.now()) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  async sleep(ms: number): Promise<void> {
    this.current += Math.max(0, ms);
    await Promise.resolve();
  }
}
