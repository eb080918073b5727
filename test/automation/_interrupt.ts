// Preloaded into `aa` by tests (`node -r dist/test/automation/_interrupt.js dist/automation/cli.js
// ...`): stops the process at an exact point, set by environment variables. A kill is a real
// SIGKILL the process sends itself, so nothing is cleaned up, as with `kill -9` from outside;
// unlike a kill from outside, it lands exactly where asked, however fast or slow the machine.
//
//   AA_TEST_KILL_AFTER_EVENT=e       SIGKILL right after event e is written to stdout (`--json`),
//                                    e being "drain" (its first) or "drain:b" (cluster b's first)
//   AA_TEST_KILL_BEFORE_RENAME=n     SIGKILL right before the n-th rename onto
//   AA_TEST_RENAME_TARGET=file       this file (its temporary file written and flushed)
//   AA_TEST_HOLD_AFTER_EVENT=e       after event e, wait until
//   AA_TEST_HOLD_UNTIL=file          this file exists, then go on
// The module object itself (a namespace import is a read-only view of it), so a patch is seen
// by every user of `node:fs`.
import fs from "node:fs";
import * as path from "node:path";

const env = process.env;
const killAfter = env.AA_TEST_KILL_AFTER_EVENT;
const holdAfter = env.AA_TEST_HOLD_AFTER_EVENT;
const holdUntil = env.AA_TEST_HOLD_UNTIL;
const renameAt = Number(env.AA_TEST_KILL_BEFORE_RENAME ?? 0);
const renameTarget = env.AA_TEST_RENAME_TARGET && path.resolve(env.AA_TEST_RENAME_TARGET);

/** Blocks this thread for a few milliseconds (the process does nothing else meanwhile). */
function pause(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Whether a line written to stdout is the event `spec` ("drain" or "drain:b") names. */
function isEvent(line: string, spec: string | undefined): boolean {
  if (!spec) return false;
  const [name, cluster] = spec.split(":");
  const event = JSON.parse(line) as { event?: string; cluster?: string };
  return event.event === name && (cluster === undefined || event.cluster === cluster);
}

if (killAfter || holdAfter) {
  let held = false;
  const write = process.stdout.write.bind(process.stdout) as (...a: unknown[]) => boolean;
  process.stdout.write = (chunk: unknown, ...rest: unknown[]) => {
    const written = write(chunk, ...rest);
    if (typeof chunk === "string" && chunk.startsWith("{") && chunk.endsWith("\n")) {
      // stdout to a pipe is written synchronously on Linux: the line has left the process.
      if (isEvent(chunk, killAfter)) {
        process.kill(process.pid, "SIGKILL");
        pause(1000); // the signal is on its way: nothing more may happen
      }
      if (!held && holdUntil && isEvent(chunk, holdAfter)) {
        held = true;
        while (!fs.existsSync(holdUntil)) pause(10);
      }
    }
    return written;
  };
}

if (renameAt > 0 && renameTarget) {
  let renames = 0;
  const rename = fs.renameSync;
  fs.renameSync = (from: fs.PathLike, to: fs.PathLike) => {
    if (path.resolve(String(to)) === renameTarget && ++renames === renameAt) {
      process.kill(process.pid, "SIGKILL");
      pause(1000); // the signal is on its way: nothing more may happen
    }
    rename(from, to);
  };
}
