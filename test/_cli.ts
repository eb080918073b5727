import { spawnSync } from "node:child_process";
import * as path from "node:path";

/** The repository root (tests run from dist/test/...). */
export const ROOT = path.resolve(__dirname, "..", "..");
/** The built CLI (`aa`). */
export const CLI = path.join(ROOT, "dist", "automation", "cli.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `aa` as a user would: a separate process, in `cwd` (the repository by default). */
export function aa(
  args: string[],
  options: { cwd?: string; input?: string | Buffer; env?: Record<string, string> } = {},
): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    encoding: "utf8",
    env: { ...process.env, AA_DEBUG: "", ...options.env },
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Asserts-friendly check that output carries no stack trace. */
export function hasStackTrace(text: string): boolean {
  return /^\s+at .+\(.+:\d+:\d+\)$/m.test(text);
}
