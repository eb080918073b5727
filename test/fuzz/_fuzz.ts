import { execFile } from "node:child_process";
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { CLI, ROOT, hasStackTrace } from "../_cli";

/**
 * The fuzz suite's harness: every case runs `aa` as its own process, so that a hang or a runaway
 * allocation is seen (and bounded) instead of taking the test run with it.
 */

/** Wall-clock bound of one case. A hang is killed here and fails the case. */
export const CASE_TIMEOUT_MS = 60_000;
/** Heap bound of one case: a case that needs more fails with an out-of-memory crash. */
export const CASE_HEAP_MB = 1024;
/** Longest stderr a case may print: values are cut, lists are bounded. */
export const MAX_STDERR = 32 * 1024;

/**
 * The cases of one fuzz test: `runs` values of `arbitrary`, from a fixed seed so that CI runs the
 * same cases every time (AA_FUZZ_SEED explores others, AA_FUZZ_RUNS runs more), each checked by
 * `check`, a few at a time (every case is a process of its own). Fails with every failing case,
 * as JSON, and the seed.
 */
export async function fuzz<T>(
  arbitrary: fc.Arbitrary<T>,
  runs: number,
  check: (value: T) => Promise<void>,
): Promise<void> {
  const seed = Number(process.env.AA_FUZZ_SEED ?? 20261203);
  const cases = fc.sample(arbitrary, { seed, numRuns: Number(process.env.AA_FUZZ_RUNS ?? runs) });
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const value = cases[next++];
      try {
        await check(value);
      } catch (err) {
        failures.push(
          `${JSON.stringify(value, replacer).slice(0, 500)}\n  ${(err as Error).message}`,
        );
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  assert.equal(
    failures.length,
    0,
    `${failures.length} of ${cases.length} cases failed (AA_FUZZ_SEED=${seed}):\n${failures.slice(0, 5).join("\n")}`,
  );
}

/** Cases run at once: the CI machine has two cores. */
const CONCURRENCY = 3;

/** JSON of a case: long strings cut, numbers JSON has no word for spelled out. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === "string" && value.length > 60)
    return `${value.slice(0, 40)}... (${value.length} chars)`;
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return value;
}

/** What one case did. */
export interface CaseResult {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `aa args` as a user would, bounded in time and heap. */
export function aaBounded(
  args: string[],
  opts: { cwd?: string; input?: string } = {},
): Promise<CaseResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [`--max-old-space-size=${CASE_HEAP_MB}`, CLI, ...args],
      {
        cwd: opts.cwd ?? ROOT,
        env: { ...process.env, AA_DEBUG: "" },
        timeout: CASE_TIMEOUT_MS,
        killSignal: "SIGKILL",
        maxBuffer: 64 * 1024 ** 2,
        encoding: "utf8",
      },
      (err, stdout, stderr) => {
        const failed = err as (Error & { code?: unknown; signal?: NodeJS.Signals }) | null;
        resolve({
          args,
          code: failed ? (typeof failed.code === "number" ? failed.code : null) : 0,
          signal: failed?.signal ?? null,
          stdout,
          stderr,
        });
      },
    );
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    else child.stdin?.end();
  });
}

/**
 * The contract every case keeps: it ends by itself (no kill, no crash) with exit 0, 1 or 2, no
 * stack trace, a bounded message; exit 2 is one `aa: ...` error that names `names` (the field,
 * flag or URN the case broke), when given.
 */
export function assertHandled(
  result: CaseResult,
  names?: RegExp,
  allowed: readonly number[] = [0, 1, 2],
): void {
  const where = `aa ${result.args.join(" ").slice(0, 300)}\n--- stderr:\n${result.stderr.slice(0, 2000)}`;
  assert.equal(result.signal, null, `killed (${result.signal}): over the time bound. ${where}`);
  assert.ok(
    result.code !== null && allowed.includes(result.code),
    `exit ${result.code}, expected one of ${allowed.join(", ")}. ${where}`,
  );
  assert.ok(!hasStackTrace(result.stderr), `a stack trace. ${where}`);
  assert.ok(!hasStackTrace(result.stdout), `a stack trace on stdout. ${where}`);
  assert.ok(
    result.stderr.length <= MAX_STDERR,
    `stderr of ${result.stderr.length} chars. ${where}`,
  );
  if (result.code === 2) {
    assert.match(result.stderr, /^aa: \S/, `one aa error. ${where}`);
    if (names) assert.match(result.stderr, names, `the message names the input. ${where}`);
  }
}

/** A regular expression that matches `text` literally. */
export function literally(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
}
