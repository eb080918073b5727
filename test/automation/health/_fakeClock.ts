import type { Clock } from "../../../automation/health/clock";
import type { GateCheckOptions, GateResult, HealthGate } from "../../../automation/health/gate";
import type { ClusterTarget } from "../../../automation/health/target";

/** A clock whose time moves only when something sleeps (or a fake gate takes time). */
export interface FakeClock extends Clock {
  /** Moves time forward without sleeping (a gate that takes a while). */
  advance(ms: number): void;
  /** Every sleep asked for, in order. */
  sleeps: number[];
}

export function fakeClock(start = 1_000_000): FakeClock {
  let now = start;
  const sleeps: number[] = [];
  return {
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleeps,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      now += ms;
      await Promise.resolve();
    },
  };
}

/** A gate that answers from a script: `healthyAt(now, call)` decides, and each check takes `takesMs`. */
export function scriptedGate(
  name: string,
  clock: FakeClock,
  healthyAt: (now: number, call: number) => boolean,
  takesMs = 0,
): HealthGate & { calls: GateCheckOptions[] } {
  const calls: GateCheckOptions[] = [];
  return {
    name,
    timeoutMs: 5000,
    calls,
    check: (target: ClusterTarget, opts: GateCheckOptions = {}): Promise<GateResult> => {
      calls.push(opts);
      clock.advance(Math.min(takesMs, opts.timeoutMs ?? takesMs));
      if (opts.signal?.aborted) {
        return Promise.resolve({
          gate: name,
          cluster: target.name,
          ok: false,
          failure: "aborted",
          detail: "cancelled",
        });
      }
      const ok = healthyAt(clock.now(), calls.length);
      return Promise.resolve(
        ok
          ? { gate: name, cluster: target.name, ok, detail: `${name} fine` }
          : {
              gate: name,
              cluster: target.name,
              ok,
              failure: "unhealthy",
              detail: `${name} not yet`,
            },
      );
    },
  };
}
