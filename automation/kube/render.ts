import Table from "cli-table3";
import type { ClusterResult } from "./fanOut";
import type { EnvironmentSource } from "./inference";
import type { VerbClass } from "./verbs";

/** The `aa kubectl --json` document. */
export interface KubectlReport {
  environment: string;
  /** Where the environment came from. */
  environmentFrom: EnvironmentSource;
  /** kubectl's arguments, as given. */
  args: string[];
  verb: string;
  verbClass: VerbClass;
  parallel: boolean;
  /** Every selected cluster, in order; kubectl's stdout and stderr with credentials cut. */
  clusters: ClusterResult[];
  /** aa's own exit code (0 when every cluster succeeded). */
  exitCode: number;
}

/** The line that opens a cluster's output: `==> dev-a <==` (as `tail` heads each file). */
export function groupHeader(result: Pick<ClusterResult, "context">): string {
  return `==> ${result.context} <==\n`;
}

/** A cluster's grouped output: the header and kubectl's stdout; its stderr separately. */
export function renderGroup(result: ClusterResult): { stdout: string; stderr: string } {
  let body = result.stdout;
  if (result.status === "skipped") body = `(skipped: ${result.reason})\n`;
  else if (result.reason) body += `(${result.reason})\n`;
  else if (!body && !result.stderr) {
    body = result.signal ? `(stopped by ${result.signal})\n` : "(no output)\n";
  }
  return {
    stdout: groupHeader(result) + withNewline(body),
    stderr: withNewline(result.stderr),
  };
}

/**
 * Hands items to `emit` in index order, each as soon as it and every one before it has arrived:
 * the output of cluster b appears once a's is complete, never in the middle of it.
 */
export function inOrder<T>(
  emit: (item: T, index: number) => void,
): (item: T, index: number) => void {
  const waiting = new Map<number, T>();
  let next = 0;
  return (item, index) => {
    waiting.set(index, item);
    while (waiting.has(next)) {
      const ready = waiting.get(next) as T;
      waiting.delete(next);
      emit(ready, next);
      next++;
    }
  };
}

/**
 * Line-by-line output with a prefix (`dev-a | `), for commands that follow or watch: each
 * complete line is written as it arrives; `flush` writes a last line without a newline.
 */
export function prefixedLines(
  prefix: string,
  write: (text: string) => void,
  transform: (text: string) => string = (t) => t,
): { push(text: string): void; flush(): void } {
  let partial = "";
  return {
    push(text) {
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) write(`${prefix} | ${transform(line)}\n`);
    },
    flush() {
      if (partial) write(`${prefix} | ${transform(partial)}\n`);
      partial = "";
    },
  };
}

/** The one-line-per-cluster summary: cluster, context, exit code, duration, result. */
export function renderSummary(results: readonly ClusterResult[]): string {
  const table = new Table({
    head: ["cluster", "context", "exit", "duration", "result"],
    style: { head: [], border: [] },
  });
  for (const r of results) {
    table.push([
      r.cluster,
      r.context,
      r.exitCode === null ? "-" : String(r.exitCode),
      r.status === "skipped" ? "-" : formatDuration(r.durationMs),
      resultText(r),
    ]);
  }
  const ok = results.filter((r) => r.status === "succeeded").length;
  return `${table.toString()}\n${ok} of ${results.length} cluster(s) succeeded\n`;
}

/** "850ms", "4.2s", "2m05s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, "0")}s`;
}

function resultText(r: ClusterResult): string {
  if (r.status === "succeeded") return "ok";
  if (r.status === "skipped") return `skipped: ${r.reason}`;
  if (r.reason) return `did not run: ${r.reason}`;
  return r.signal ? `failed (${r.signal})` : "failed";
}

function withNewline(text: string): string {
  return text && !text.endsWith("\n") ? `${text}\n` : text;
}
