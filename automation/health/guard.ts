import { Redactor } from "../redact/redactor";
import { describeError, ProbeError } from "../k8s/probeError";
import type { GateCheckOptions, GateFailure, GateResult, HealthGate } from "./gate";
import type { ClusterTarget } from "./target";

/** What a gate's body returns: the answer, before the guard adds names and redacts it. */
export interface Verdict<O> {
  ok: boolean;
  detail: string;
  observed?: O;
  /** @default "unhealthy" when not ok */
  failure?: "unhealthy" | "error" | "waiting";
}

/** What a gate's body gets to work with during one check. */
export interface CheckContext {
  readonly target: ClusterTarget;
  /** Aborted when the check times out or the caller cancels: pass it to every request. */
  readonly signal: AbortSignal;
  /** The timeout of this check, milliseconds. */
  readonly timeoutMs: number;
  /** Secrets to keep out of the result; remember every credential a request carries. */
  readonly redactor: Redactor;
  /** Says what the check is doing now; a timeout reports the last step ("listing nodes"). */
  step(description: string): void;
}

/**
 * A gate named `name` whose every check runs `body` under {@link guardedCheck}: the one way a gate
 * is built, so that each gate file holds only its question.
 */
export function guardedGate<O>(
  name: string,
  timeoutMs: number,
  body: (ctx: CheckContext) => Promise<Verdict<O>>,
): HealthGate<O> {
  return {
    name,
    timeoutMs,
    check: (target, opts) => guardedCheck(name, timeoutMs, target, opts, body),
  };
}

/**
 * Runs one gate's body under its timeout and turns every outcome into a {@link GateResult}:
 * a body that hangs (even one that ignores the abort signal) fails after `timeoutMs`; a body that
 * throws fails with the error described in one line; every string in the result is redacted.
 * Never throws.
 */
export async function guardedCheck<O>(
  gate: string,
  defaultTimeoutMs: number,
  target: ClusterTarget,
  opts: GateCheckOptions | undefined,
  body: (ctx: CheckContext) => Promise<Verdict<O>>,
): Promise<GateResult<O>> {
  const redactor = new Redactor();
  redactor.remember(target.kubeconfig);
  const finish = (ok: boolean, detail: string, failure?: GateFailure, observed?: O) => {
    const result: GateResult<O> = {
      gate,
      cluster: target.name,
      ok,
      detail: redactor.redact(detail),
    };
    if (!ok) result.failure = failure ?? "unhealthy";
    if (observed !== undefined) result.observed = redactor.data(observed);
    return result;
  };

  const timeoutMs = opts?.timeoutMs ?? defaultTimeoutMs;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    return finish(
      false,
      `timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`,
      "error",
    );
  }
  const parent = opts?.signal;
  if (parent?.aborted) return finish(false, "cancelled before it started", "aborted");

  const controller = new AbortController();
  let lastStep = "starting";
  let stopped: "timeout" | "aborted" | undefined;
  let wake: () => void = () => {};
  const stop = new Promise<void>((resolve) => (wake = resolve));
  const end = (why: "timeout" | "aborted") => {
    if (stopped) return;
    stopped = why;
    controller.abort(
      new ProbeError(why === "timeout" ? `timed out after ${timeoutMs} ms` : "cancelled"),
    );
    wake();
  };
  const timer = setTimeout(() => end("timeout"), timeoutMs);
  const onAbort = () => end("aborted");
  parent?.addEventListener("abort", onAbort, { once: true });

  const ctx: CheckContext = {
    target,
    signal: controller.signal,
    timeoutMs,
    redactor,
    step: (description) => {
      lastStep = description;
    },
  };
  try {
    const run = body(ctx);
    run.catch(() => {}); // a body abandoned after a timeout must not become an unhandled rejection
    const verdict = await Promise.race([run, stop.then(() => undefined)]);
    if (stopped || verdict === undefined) return stoppedResult();
    return finish(verdict.ok, verdict.detail, verdict.failure, verdict.observed);
  } catch (err) {
    if (stopped) return stoppedResult();
    return finish(false, describeError(err), "error");
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener("abort", onAbort);
    // Nothing a check started may outlive it (a probe still open when another one failed).
    if (!controller.signal.aborted) controller.abort(new ProbeError("check finished"));
  }

  function stoppedResult(): GateResult<O> {
    return stopped === "aborted"
      ? finish(false, `cancelled while ${lastStep}`, "aborted")
      : finish(false, `no answer within ${timeoutMs} ms while ${lastStep}`, "timeout");
  }
}
