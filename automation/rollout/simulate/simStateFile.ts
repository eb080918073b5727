import * as fs from "node:fs";
import * as path from "node:path";
import { parsePreviousState, type PreviousState } from "../../../config/rolloutState";
import { UsageError } from "../../exitCodes";
import { removeLeftovers, writeFileAtomic } from "../../files/atomicWrite";
import { acquireLockFile, isRunning, LockFileHeldError } from "../../files/lockFile";
import type { RolloutStackState } from "../ports";

/** A `--sim-state` file cannot be read or written. */
export class SimStateError extends UsageError {
  readonly code: string = "AA_SIM_STATE";
}

/**
 * The `--sim-state` file of a rehearsal: the simulated stack's deployed state, kept between runs.
 * Held for the length of a rehearsal through `<file>.lock`; written after every update.
 */
export interface SimStateFile {
  /** The state kept by an earlier rehearsal; undefined when the file does not exist yet. */
  read(): PreviousState | undefined;
  /**
   * Replaces the file's content with this state, atomically and durably (a kill at any moment
   * leaves the previous state or this one), after checking the lock is still this rehearsal's.
   * Throws {@link SimStateError} or {@link LockFileHeldError}: see {@link isSimStateFailure}.
   */
  write(state: RolloutStackState): void;
  /** Gives the lock back; idempotent. */
  close(): void;
}

/**
 * Opens a `--sim-state` file for one rehearsal: takes its lock (a second rehearsal on the same
 * file is refused with exit 5; the lock of one that was killed is taken over, and `notice` says
 * so) and removes temporary files that killed rehearsals left beside it.
 */
export function openSimState(
  file: string,
  owner: { user: string; notice?: (message: string) => void },
): SimStateFile {
  const subject = `--sim-state ${file}`;
  const lockFile = `${path.resolve(file)}.lock`;
  const lock = acquireLockFile({
    file: lockFile,
    subject,
    holder: "rehearsal",
    user: owner.user,
    notice: owner.notice,
  });
  try {
    removeLeftovers(path.resolve(file), isRunning);
    removeLeftovers(lockFile, isRunning);
  } catch {
    // a leftover that cannot be removed harms nothing: it is never read
  }
  return {
    read: () => readSimState(file),
    write(state) {
      lock.verify();
      try {
        writeFileAtomic(file, JSON.stringify(state, null, 2) + "\n");
      } catch (err) {
        throw new SimStateError(
          `cannot write --sim-state ${file}: ${(err as Error).message}; the rehearsal stopped, ` +
            "and the file still holds the state before this update: fix the cause and run the same command again to resume",
        );
      }
    },
    close: () => lock.release(),
  };
}

/**
 * Whether an error is the `--sim-state` file failing (not written, lock lost): the rehearsal
 * stops at once, as a killed process would, since it could no longer keep its progress.
 */
export function isSimStateFailure(err: unknown): boolean {
  return err instanceof SimStateError || err instanceof LockFileHeldError;
}

function readSimState(file: string): PreviousState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new SimStateError(`cannot read --sim-state ${file}: ${(err as Error).message}`);
  }
  try {
    const doc = JSON.parse(text) as { clusters?: unknown; rollout?: unknown };
    return parsePreviousState(doc.clusters, doc.rollout ?? null);
  } catch (err) {
    throw new SimStateError(
      `--sim-state ${file} is not a simulated environment written by aa (${(err as Error).message}); remove it to start afresh`,
    );
  }
}
