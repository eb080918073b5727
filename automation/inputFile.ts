import * as fs from "node:fs";
import { UsageError } from "./exitCodes";

/** A size in the unit a person reads it in: "64 MiB", "2 GiB", "512 KiB", "2499 bytes". */
export function sizeText(bytes: number): string {
  for (const [unit, size] of [
    ["GiB", 1024 ** 3],
    ["MiB", 1024 ** 2],
    ["KiB", 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

/**
 * Checks an input file before it is read: a regular file (a device such as /dev/zero, or a named
 * pipe, could be endless) of at most `maxBytes`. `what` names it in the error, e.g. "state file".
 * A missing file is left to the reader, whose message says how to make it.
 */
export function checkInputFile(
  file: string,
  what: string,
  maxBytes: number,
  /** Whether `-` reads standard input instead, which the message then mentions. */
  stdin = true,
): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return;
  }
  if (!stat.isFile()) {
    throw new UsageError(
      `${what} ${file} is not a regular file; give the path of a file${stdin ? " (or - for standard input)" : ""}`,
    );
  }
  if (stat.size > maxBytes) {
    throw new UsageError(
      `${what} ${file} is ${stat.size} bytes, above the ${sizeText(maxBytes)} aa reads; check that it is the right file`,
    );
  }
}

/** How much of standard input is read at a time. */
const CHUNK_BYTES = 1024 ** 2;

/**
 * Reads file descriptor `fd` (standard input: 0) to its end, refusing input longer than
 * `maxBytes` as soon as it gets there (an endless pipe is not read to the end). `what` names it in
 * the error, e.g. "standard input (--state -)".
 */
export function readCapped(fd: number, what: string, maxBytes: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, maxBytes + 1 - total));
    let read: number;
    try {
      read = fs.readSync(fd, chunk, 0, chunk.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EOF") break; // Windows, at the end of a pipe
      if (code !== "EAGAIN") throw err;
      // A non-blocking descriptor with nothing yet: wait a moment, synchronously.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
      continue;
    }
    if (read === 0) break;
    total += read;
    if (total > maxBytes) {
      throw new UsageError(
        `${what} is more than the ${sizeText(maxBytes)} aa reads; check what is piped in`,
      );
    }
    chunks.push(read === chunk.length ? chunk : chunk.subarray(0, read));
  }
  return Buffer.concat(chunks, total);
}
