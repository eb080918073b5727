import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import { AaError, ExitCode, UsageError } from "../exitCodes";
import { temporaryName } from "./atomicWrite";
import { describeHolder, judgeHolder, parseLockRecord, type LockRecord } from "./lockRecord";

/** A lock file is held by someone else, cannot be read, or was lost: refused, exit 5. */
export class LockFileHeldError extends AaError {
  readonly exit = ExitCode.Refused;
  readonly code = "AA_LOCK_FILE_HELD";
}

/** What to lock, and how messages name it. */
export interface LockFileArgs {
  /** The lock file, e.g. `gameday.json.lock`; its folder must exist. */
  file: string;
  /** What the lock guards, as messages name it, e.g. "--sim-state gameday.json". */
  subject: string;
  /** What holds such a lock, as messages name it, e.g. "rehearsal". */
  holder: string;
  /** The user taking the lock, recorded in it. */
  user: string;
  /**
   * Told, in one line, when the lock of a holder that is no longer running is taken over.
   * @default nobody is told
   */
  notice?: (message: string) => void;
}

/** A lock file this process holds. */
export interface HeldLockFile {
  readonly file: string;
  readonly record: LockRecord;
  /**
   * Throws {@link LockFileHeldError} when the lock file is no longer this hold's (removed by
   * hand, or taken by another run): check before each change the lock guards.
   */
  verify(): void;
  /** Removes the lock file when it is still this hold's (someone else's is left); idempotent. */
  release(): void;
}

/** How many times a lock that keeps vanishing or being taken is tried before giving up. */
const ATTEMPTS = 5;

/**
 * Takes a lock file: created exclusively (a complete record is linked into place, so nobody ever
 * reads half of one) holding `{pid, host, user, since, id}`. When it exists, its holder decides:
 * a holder on this host whose process is gone (killed with SIGKILL) is stale and its lock is
 * taken over, and `notice` says so; a running holder, a holder on another host (whose pid means
 * nothing here) and a lock file that cannot be read refuse with {@link LockFileHeldError}, naming
 * the holder and the file. Several runs taking over one stale lock at once: exactly one gets it
 * (a taker removes the lock only while it still holds the stale record it judged).
 *
 * Until released, the lock is also released when the process exits or is interrupted (SIGINT,
 * SIGTERM); only a kill that allows no cleanup leaves it behind, as a stale lock.
 */
export function acquireLockFile(args: LockFileArgs): HeldLockFile {
  const { file, subject, holder } = args;
  const host = os.hostname();
  const record: LockRecord = {
    pid: process.pid,
    host,
    user: args.user,
    since: new Date().toISOString(),
    id: randomUUID(),
  };
  const text = JSON.stringify(record) + "\n";
  let tookOver: LockRecord | undefined;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (createExclusive(file, text, subject)) {
      if (tookOver) {
        args.notice?.(
          `took over the lock of ${subject} (${file}) from a ${holder} that is no longer running: ${describeHolder(tookOver)}`,
        );
      }
      return hold(args, record, text);
    }
    const found = readLock(file);
    if (found.kind === "missing") continue; // released meanwhile: try again
    if (found.kind === "unreadable") {
      throw new LockFileHeldError(
        `${subject} is locked, but its lock file ${file} cannot be read (${found.detail}); ` +
          `if no ${holder} is using it, remove ${file} and run again`,
      );
    }
    const state = judgeHolder(found.record, { host, isRunning });
    if (state === "live") {
      throw new LockFileHeldError(
        `${subject} is in use by another ${holder}: ${describeHolder(found.record)} ` +
          `(lock file ${file}); wait for it to finish, or use another file`,
      );
    }
    if (state === "foreign") {
      throw new LockFileHeldError(
        `${subject} is in use by a ${holder} on another host: ${describeHolder(found.record)} ` +
          `(lock file ${file}); aa cannot tell from ${host} whether it still runs. ` +
          `If that ${holder} is dead, remove ${file} and run again`,
      );
    }
    if (removeIfHolds(file, found.text) === "removed") tookOver = found.record;
  }
  throw new LockFileHeldError(
    `${subject}: its lock file ${file} kept changing hands while aa tried to take it ` +
      `(${ATTEMPTS} attempts); run again once the other runs have started`,
  );
}

/** The hold: verify, release, and release on exit or interruption until released. */
function hold(args: LockFileArgs, record: LockRecord, text: string): HeldLockFile {
  const { file, subject, holder } = args;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    try {
      removeIfHolds(file, text);
    } catch {
      // left behind: once this process is gone it is a stale lock, which the next run takes over
    }
  };
  const onSignal = (signal: NodeJS.Signals) => {
    release();
    process.kill(process.pid, signal); // the default behaviour, now that the lock is gone
  };
  process.once("exit", release);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return {
    file,
    record,
    release,
    verify() {
      const found = readLock(file);
      if (found.kind === "found" && found.text === text) return;
      const why =
        found.kind === "found"
          ? `it is held by ${describeHolder(found.record)} now`
          : found.kind === "missing"
            ? "the lock file was removed"
            : "the lock file was replaced by something aa cannot read";
      throw new LockFileHeldError(
        `the lock of ${subject} (${file}) is no longer held by this ${holder}: ${why}. ` +
          `Stopped without writing to it again; make sure no other ${holder} uses it, then run again`,
      );
    },
  };
}

/** Whether a process runs on this host (one of another user's counts: it runs). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

type Found =
  | { kind: "missing" }
  | { kind: "unreadable"; detail: string }
  | { kind: "found"; text: string; record: LockRecord };

function readLock(file: string): Found {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing" };
    return { kind: "unreadable", detail: (err as Error).message };
  }
  const record = parseLockRecord(text);
  if (!record) {
    const shown = text.length > 60 ? `${text.slice(0, 60)}...` : text;
    return {
      kind: "unreadable",
      detail: `it holds ${JSON.stringify(shown)}, not the {pid, host, user, since, id} aa writes`,
    };
  }
  return { kind: "found", text, record };
}

/**
 * Creates `file` holding `text` unless it exists: written to a temporary file first and linked
 * into place, so the lock file appears complete. Where hard links are not supported, an
 * exclusive copy (the file may be seen empty for an instant, which refuses, never shares).
 */
function createExclusive(file: string, text: string, subject: string): boolean {
  const temp = temporaryName(file);
  try {
    fs.writeFileSync(temp, text, { flag: "wx" });
    return placeExclusive(temp, file);
  } catch (err) {
    throw new UsageError(
      `cannot create the lock file ${file} of ${subject}: ${(err as Error).message}; ` +
        "make its folder writable, or use a file in another folder",
    );
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/** Puts a copy of `from` at `to` unless `to` exists: false when it does. */
function placeExclusive(from: string, to: string): boolean {
  try {
    fs.linkSync(from, to);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return false;
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "ENOSYS") {
      throw err;
    }
  }
  try {
    fs.copyFileSync(from, to, fs.constants.COPYFILE_EXCL);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw err;
  }
}

/**
 * Removes `file` only while it holds `text`: it is renamed aside first (one atomic step), then
 * read; when it turns out to be another record (another run took the lock between our read and
 * the rename), it is put back, unless a lock was created meanwhile. "gone": there was no file.
 */
function removeIfHolds(file: string, text: string): "removed" | "changed" | "gone" {
  const aside = temporaryName(file);
  try {
    fs.renameSync(file, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return "gone";
    throw err;
  }
  let now: string | undefined;
  try {
    now = fs.readFileSync(aside, "utf8");
  } catch {
    now = undefined;
  }
  if (now !== text) {
    // Not ours to remove. If a third run created a lock in the instant it was away, that run
    // holds it; the one moved aside finds out at its next verify().
    placeExclusive(aside, file);
  }
  fs.rmSync(aside, { force: true });
  return now === text ? "removed" : "changed";
}
