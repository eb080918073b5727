// One process taking a lock file, for lockFile.test.ts: `node _lockContender.js LOCK GO END`.
// Prints "ready", waits until the file GO exists (so that several contenders try at the same
// instant), tries the lock and prints "won" or "refused <message>" (and "notice <message>" when it
// took over a stale lock). Then, having won, by END: "release" releases once GO.done exists;
// "exit" exits without releasing; "hold" keeps running until a signal stops it.
import * as fs from "node:fs";
import { acquireLockFile, LockFileHeldError } from "../../../automation/files/lockFile";

const [lock, go, end] = process.argv.slice(2);
const say = (line: string) => fs.writeSync(1, line + "\n");

say("ready");
while (!fs.existsSync(go)) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
try {
  const held = acquireLockFile({
    file: lock,
    subject: "--sim-state s.json",
    holder: "rehearsal",
    user: "contender",
    notice: (message) => say(`notice ${message}`),
  });
  say("won");
  if (end === "exit") process.exit(0);
  const timer = setInterval(() => {
    if (end === "release" && fs.existsSync(`${go}.done`)) {
      held.release();
      clearInterval(timer);
    }
  }, 5);
} catch (err) {
  if (!(err instanceof LockFileHeldError)) throw err;
  say(`refused ${err.message}`);
}
