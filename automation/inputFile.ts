import * as fs from "node:fs";
import { UsageError } from "./exitCodes";

/** A size in the unit a person reads it in: "64 MiB", "2 GiB". */
export function sizeText(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${bytes / 1024 ** 3} GiB` : `${bytes / 1024 ** 2} MiB`;
}

/**
 * Checks an input file before it is read: a regular file (a device such as /dev/zero, or a named
 * pipe, could be endless) of at most `maxBytes`. `what` names it in the error, e.g. "state file".
 * A missing file is left to the reader, whose message says how to make it.
 */
export function checkInputFile(file: string, what: string, maxBytes: number): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return;
  }
  if (!stat.isFile()) {
    throw new UsageError(
      `${what} ${file} is not a regular file; give the path of a file (or - for standard input)`,
    );
  }
  if (stat.size > maxBytes) {
    throw new UsageError(
      `${what} ${file} is ${stat.size} bytes, above the ${sizeText(maxBytes)} aa reads; check that it is the right file`,
    );
  }
}
