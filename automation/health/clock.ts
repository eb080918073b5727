import { setTimeout as delay } from "node:timers/promises";

/** Time as the health wait and soak see it: a port, so tests run them on a fake clock. */
export interface Clock {
  /** Milliseconds since some fixed origin (only differences matter). */
  now(): number;
  /** Resolves after `ms` milliseconds; rejects when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: wall time and timers. */
export function systemClock(): Clock {
  return {
    now: () => Date.now(),
    sleep: (ms, signal) => delay(ms, undefined, { signal }),
  };
}
