import * as os from "node:os";
import { UsageError } from "../exitCodes";

// Parsers of the commands' options, and who runs a command.

/** Parses a whole number of seconds option. */
export function seconds(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) {
      throw new UsageError(
        `${name} ${JSON.stringify(value)} is not a whole number of seconds, e.g. ${name} 60`,
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
  let user = process.env.USER ?? process.env.USERNAME ?? "unknown";
  try {
    user = os.userInfo().username || user;
  } catch {
    // no passwd entry (containers): keep the environment's idea of the user
  }
  return `${user}@${os.hostname()}`;
}
