import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

/** How a file is written by {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /**
   * The file's mode, exactly (the umask cannot loosen or tighten it).
   * @default 0o666 less the umask, as a plain write creates it
   */
  mode?: number;
}

/**
 * Writes a file so that a reader, or a process killed at any moment, finds the old content or the
 * new, never half of either: the text goes to `<file>.<pid>.<random>.tmp` in the same folder
 * (so the rename stays on one file system), is flushed to disk, and is renamed over the file; then
 * the folder is flushed, where the platform allows it, so the rename survives a power cut. A
 * failure removes the temporary file and throws the file system's error for the caller to word.
 */
export function writeFileAtomic(file: string, text: string, options: AtomicWriteOptions = {}) {
  const temp = temporaryName(file);
  try {
    const fd = fs.openSync(temp, "wx", options.mode ?? 0o666);
    try {
      if (options.mode !== undefined) fs.fchmodSync(fd, options.mode);
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
  syncFolder(path.dirname(file));
}

/**
 * A new temporary file's path next to `file`: `<file>.<pid>.<random>.tmp`. The pid says whose it
 * is: one left by a process that no longer runs is garbage ({@link temporaryOf}).
 */
export function temporaryName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
}

/** The pid in a folder entry's name when it is a {@link temporaryName} of `file`. */
export function temporaryOf(file: string, name: string): { pid: number } | undefined {
  const base = path.basename(file);
  if (!name.startsWith(`${base}.`)) return undefined;
  const match = /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(base.length + 1));
  return match ? { pid: Number(match[1]) } : undefined;
}

/**
 * Removes the temporary files of `file` ({@link temporaryName}) left by processes that no longer
 * run (killed mid-write); returns their paths. Those of running processes are theirs, in use.
 */
export function removeLeftovers(file: string, isRunning: (pid: number) => boolean): string[] {
  const dir = path.dirname(file);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const owner = temporaryOf(file, name);
    if (!owner || owner.pid === process.pid || isRunning(owner.pid)) continue;
    const leftover = path.join(dir, name);
    fs.rmSync(leftover, { force: true });
    removed.push(leftover);
  }
  return removed;
}

/** Flushes a folder's entries (a rename) to disk where the platform allows it. */
export function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, "r");
    fs.fsyncSync(fd);
  } catch {
    // not supported here (e.g. Windows): the rename is still atomic
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
