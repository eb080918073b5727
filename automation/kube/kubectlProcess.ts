import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { UsageError } from "../exitCodes";
import type { KubectlOutcome, KubectlPort, KubectlRun } from "./fanOut";

/**
 * The real kubectl, one process per run. Its environment is this process's, with `KUBECONFIG`
 * set to the run's own kubeconfig file: credentials never appear on a command line.
 */
export class KubectlProcess implements KubectlPort {
  constructor(
    /** Path of the kubectl executable (see {@link findKubectl}). */
    readonly binary: string,
    /** The environment kubectl runs with (KUBECONFIG is replaced per run). */
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  run(run: KubectlRun): Promise<KubectlOutcome> {
    return new Promise((resolve) => {
      const terminal = run.stdio === "terminal";
      const child = spawn(this.binary, [...run.args], {
        env: { ...this.env, KUBECONFIG: run.kubeconfig },
        stdio: terminal ? "inherit" : [run.stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      });
      const out: string[] = [];
      const err: string[] = [];
      if (!terminal) {
        child.stdout?.setEncoding("utf8").on("data", (text: string) => {
          out.push(text);
          run.onOutput?.("stdout", text);
        });
        child.stderr?.setEncoding("utf8").on("data", (text: string) => {
          err.push(text);
          run.onOutput?.("stderr", text);
        });
        if (run.stdin !== undefined) {
          child.stdin?.on("error", () => undefined); // kubectl may exit without reading it
          child.stdin?.end(run.stdin);
        }
      }
      const stop = () => child.kill("SIGTERM");
      run.signal?.addEventListener("abort", stop, { once: true });
      let startError: string | undefined;
      child.on("error", (e) => (startError = `cannot run ${this.binary}: ${e.message}`));
      child.on("close", (code, signal) => {
        run.signal?.removeEventListener("abort", stop);
        resolve({
          exitCode: startError ? null : code,
          signal,
          stdout: out.join(""),
          stderr: err.join(""),
          ...(startError ? { error: startError } : {}),
        });
      });
    });
  }
}

/**
 * The kubectl to run: `$AA_KUBECTL` if set (a path, or a name looked up on PATH), else `kubectl`
 * on PATH. Fails with a {@link UsageError} saying how to install it.
 */
export function findKubectl(env: NodeJS.ProcessEnv): string {
  const wanted = env.AA_KUBECTL || "kubectl";
  const candidates = wanted.includes(path.sep)
    ? [path.resolve(wanted)]
    : (env.PATH ?? "")
        .split(path.delimiter)
        .filter(Boolean)
        .map((dir) => path.join(dir, wanted));
  const found = candidates.find(isExecutable);
  if (found) return found;
  throw new UsageError(
    env.AA_KUBECTL
      ? `AA_KUBECTL=${env.AA_KUBECTL} is not an executable file; point it at a kubectl binary or unset it`
      : "kubectl is not on PATH; install it (https://kubernetes.io/docs/tasks/tools/) or set " +
          "AA_KUBECTL to its path",
  );
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}
