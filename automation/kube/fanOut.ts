/**
 * Runs one command on several clusters, at once or one after the other, and collects each
 * cluster's outcome. The command itself is behind {@link KubectlPort}; production side:
 * {@link KubectlProcess} (the real kubectl binary).
 */

/** One run of kubectl against one cluster. */
export interface KubectlRun {
  cluster: string;
  /** The context name (`<env>-<cluster>`), the current context of `kubeconfig`. */
  context: string;
  /** Path of a kubeconfig file for this cluster only (mode 0600). Never its contents. */
  kubeconfig: string;
  /** kubectl's arguments. */
  args: readonly string[];
  /**
   * "capture": stdout and stderr are collected (and handed to `onOutput` as they arrive);
   * "terminal": kubectl is attached to this process's terminal (for edit, exec -it).
   */
  stdio: "capture" | "terminal";
  /** Fed to kubectl's stdin (for `apply -f -`). @default stdin is empty */
  stdin?: string;
  onOutput?: (stream: "stdout" | "stderr", text: string) => void;
  /** Stops the run (kubectl gets SIGTERM). */
  signal?: AbortSignal;
}

/** How one run ended. */
export interface KubectlOutcome {
  /** kubectl's exit code; null when it was killed by a signal or did not start. */
  exitCode: number | null;
  /** The signal that ended it, if any. */
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Why it did not start, if it did not. */
  error?: string;
}

/** Runs kubectl. */
export interface KubectlPort {
  run(run: KubectlRun): Promise<KubectlOutcome>;
}

/** One cluster's part of a fan-out. */
export interface ClusterResult {
  cluster: string;
  context: string;
  /** succeeded: exit code 0; failed: anything else; skipped: not run (an earlier cluster failed, or interrupted). */
  status: "succeeded" | "failed" | "skipped";
  exitCode: number | null;
  signal: string | null;
  durationMs: number;
  stdout: string;
  stderr: string;
  /** Why it did not start, or why it was skipped. */
  reason?: string;
}

/** A cluster to run on. */
export interface FanOutTarget {
  cluster: string;
  context: string;
}

/** Arguments of {@link fanOut}. */
export interface FanOutArgs {
  targets: readonly FanOutTarget[];
  /** Run every target at once; else one after the other, in order. */
  parallel: boolean;
  /** One after the other: skip the rest after the first failure. Ignored when parallel. */
  stopOnFailure: boolean;
  /** Runs the command on one target. */
  run(target: FanOutTarget): Promise<KubectlOutcome>;
  /** Milliseconds from any fixed origin (the clock port). */
  now(): number;
  /** Once aborted, targets not yet started are skipped. */
  signal?: AbortSignal;
  /** Called once per target as it finishes (or is skipped), in the order they finish. */
  onResult?(result: ClusterResult, index: number): void;
}

/** Runs the command on every target and returns the results in target order. */
export async function fanOut(args: FanOutArgs): Promise<ClusterResult[]> {
  const results = new Array<ClusterResult>(args.targets.length);
  const finish = (index: number, result: ClusterResult) => {
    results[index] = result;
    args.onResult?.(result, index);
  };
  const runOne = async (target: FanOutTarget, index: number) => {
    if (args.signal?.aborted) return finish(index, skipped(target, "interrupted"));
    const started = args.now();
    let outcome: KubectlOutcome;
    try {
      outcome = await args.run(target);
    } catch (err) {
      outcome = {
        exitCode: null,
        signal: null,
        stdout: "",
        stderr: "",
        error: (err as Error).message,
      };
    }
    finish(index, {
      ...target,
      status: outcome.exitCode === 0 ? "succeeded" : "failed",
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      durationMs: Math.max(0, Math.round(args.now() - started)),
      stdout: outcome.stdout,
      stderr: outcome.stderr,
      ...(outcome.error ? { reason: outcome.error } : {}),
    });
  };

  if (args.parallel) {
    await Promise.all(args.targets.map(runOne));
    return results;
  }
  let failed: string | undefined;
  for (const [index, target] of args.targets.entries()) {
    if (failed !== undefined && args.stopOnFailure) {
      finish(index, skipped(target, `cluster ${failed} failed first`));
      continue;
    }
    await runOne(target, index);
    if (results[index].status === "failed") failed ??= target.cluster;
  }
  return results;
}

function skipped(target: FanOutTarget, reason: string): ClusterResult {
  return {
    ...target,
    status: "skipped",
    exitCode: null,
    signal: null,
    durationMs: 0,
    stdout: "",
    stderr: "",
    reason,
  };
}
