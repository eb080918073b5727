import type { LogRequest } from "@pulumi/pulumi/proto/engine_pb";

/** One message a program logged (`pulumi.log.*`, or a warning of an SDK it uses). */
export interface ProgramLog {
  severity: "info" | "warning" | "error";
  message: string;
}

// engine_pb's LogSeverity (types only here: nothing of the generated code is loaded).
const SEVERITY: Record<number, ProgramLog["severity"] | undefined> = {
  1: "info",
  2: "warning",
  3: "error",
};

/**
 * The engine an offline run's program logs to, in place of the Pulumi engine: it hands every
 * message to `sink` (debug messages are dropped, as the Pulumi CLI hides them). Without it, the
 * SDK prints a message on the console, `info` on stdout, where it would corrupt `--json`.
 */
export class LogEngine {
  constructor(private readonly sink: (log: ProgramLog) => void) {}

  log(req: LogRequest, callback: () => void): void {
    const severity = SEVERITY[req.getSeverity()];
    if (severity) this.sink({ severity, message: req.getMessage() });
    callback();
  }

  /** Nothing to do: the mock monitor knows the root stack resource. */
  setRootResource(_req: unknown, callback: (err: null, resp: object) => void): void {
    callback(null, {});
  }

  /** Any `pulumi.runtime.requirePulumiVersion` range is met: no CLI runs. */
  requirePulumiVersion(_req: unknown, callback: (err: null, resp: object) => void): void {
    callback(null, {});
  }
}

/**
 * The messages, each distinct one once, in the order they first appeared, as lines
 * (`warning: ...`), with how often it was logged when more than once. A message is kept to its
 * first line and 500 characters.
 */
export function summarizeLogs(logs: readonly ProgramLog[]): string[] {
  const counts = new Map<string, number>();
  for (const { severity, message } of logs) {
    const line = `${severity}: ${firstLine(message)}`;
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return [...counts].map(([line, n]) => (n > 1 ? `${line} (${n} times)` : line));
}

/** The first non-empty line of a text, at most `max` characters. */
export function firstLine(text: string, max = 500): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return line.length > max ? `${line.slice(0, max)}…` : line.trimEnd();
}
