import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { FakeKubectlScript, KubectlCall } from "./_fakeKubectl";

/** A scripted `kubectl` in a temp dir: put {@link FakeKubectl.binDir} first on PATH. */
export interface FakeKubectl {
  root: string;
  /** The directory holding `kubectl`. */
  binDir: string;
  /** Replaces the script and forgets earlier calls and events. */
  script(script: FakeKubectlScript): void;
  calls(): KubectlCall[];
  /** `start <context>`, `end <context>`, `overlap <context>` lines, in the order they happened. */
  events(): string[];
  cleanup(): void;
}

export function fakeKubectl(script: FakeKubectlScript = { default: {} }): FakeKubectl {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "aa-fake-kubectl-"));
  const binDir = path.join(root, "bin");
  fs.mkdirSync(binDir);
  const bin = path.join(binDir, "kubectl");
  fs.writeFileSync(
    bin,
    `#!${process.execPath}\n` +
      `require(${JSON.stringify(require.resolve("./_fakeKubectl"))}).main(${JSON.stringify(root)});\n`,
  );
  fs.chmodSync(bin, 0o755);
  const lines = (file: string) =>
    fs.existsSync(path.join(root, file))
      ? fs.readFileSync(path.join(root, file), "utf8").split("\n").filter(Boolean)
      : [];
  const write = (s: FakeKubectlScript) => {
    for (const f of ["calls.jsonl", "events.log", "barrier", "running"]) {
      fs.rmSync(path.join(root, f), { recursive: true, force: true });
    }
    fs.writeFileSync(path.join(root, "script.json"), JSON.stringify(s));
  };
  write(script);
  return {
    root,
    binDir,
    script: write,
    calls: () => lines("calls.jsonl").map((l) => JSON.parse(l) as KubectlCall),
    events: () => lines("events.log"),
    cleanup: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}
