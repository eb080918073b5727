import * as os from "node:os";
import { UsageError } from "../exitCodes";

// Parsers of the commands' options, and who runs a command.

/** Longest any wait of a rollout may be asked to last: a day. */
export const DAY_SECONDS = 86_400;

/**
 * Parses a whole number of seconds option, from `min` (default 0) to `max` (default a day): a
 * value outside is a usage error (exit 2) that says the range, before anything runs.
 */
export function seconds(name: string, range: { min?: number; max?: number } = {}) {
  const { min = 0, max = DAY_SECONDS } = range;
  return (value: string): number => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) {
      throw new UsageError(
        `${name} ${JSON.stringify(value)} is not a whole number of seconds, e.g. ${name} 60`,
      );
    }
    if (n < min || n > max) {
      throw new UsageError(
        `${name} ${n} is out of range; use ${min} to ${max} seconds (${max === DAY_SECONDS ? "at most a day" : `at most ${max}`})`,
      );
    }
    return n;
  };
}

/** Parses a count option: a whole number of at least 1. */
export function count(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < 1) {
      throw new UsageError(
        `${name} ${JSON.stringify(value)} is not a whole number of at least 1, e.g. ${name} 1`,
      );
    }
    return n;
  };
}

/** Parses `--order a,b,c`. */
export function clusterList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/** "user@host", for the rollout record and the lock. */
export function whoAmI(): string {
  return `${userName()}@${os.hostname()}`;
}

/** The user running `aa`, as the system knows them (else as the environment says). */
export function userName(): string {
  let user = process.env.USER ?? process.env.USERNAME ?? "unknown";
  try {
    user = os.userInfo().username || user;
  } catch {
    // no passwd entry (containers): keep the environment's idea of the user
  }
  return user;
}
