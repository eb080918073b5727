import { ProbeError } from "../k8s/probeError";
import { guardedGate, type CheckContext, type Verdict } from "./guard";
import type { HealthGate } from "./gate";
import { isNotFound, kubeCall, kubeSession, type KubeSession } from "../k8s/kube";
import { daemonSetStatus, deploymentStatus, labelSelectorOf, podProblem } from "./_rollout";
import type { ClusterTarget, SystemWorkload } from "./target";

/** One workload as a gate saw it. */
export type WorkloadObservation = {
  kind: "Deployment" | "DaemonSet";
  namespace: string;
  name: string;
  ok: boolean;
  /** "2/2 available", "1/2 available (pod coredns-x: CrashLoopBackOff ...)", "not found", ... */
  summary: string;
  desired?: number;
  available?: number;
  /** True when the workload could not be read (the summary says why). */
  error?: boolean;
};

/** Problems listed in a detail before "and N more". */
const SHOWN = 3;

/**
 * Reads one Deployment or DaemonSet and says whether it is fully rolled out and available. When it
 * is not, the first pod that is not Ready is named with its reason. A workload that does not exist
 * (HTTP 404) is unhealthy; a read that fails otherwise is recorded as an error, never as healthy.
 */
export async function checkWorkload(
  ctx: CheckContext,
  kube: KubeSession,
  w: SystemWorkload,
): Promise<WorkloadObservation> {
  const base = { kind: w.kind, namespace: w.namespace, name: w.name };
  const ref = `${w.kind} ${w.namespace}/${w.name}`;
  let status: ReturnType<typeof deploymentStatus>;
  let selector: string | undefined;
  try {
    if (w.kind === "Deployment") {
      const d = await kubeCall(ctx, `reading ${ref}`, () =>
        kube.apps.readNamespacedDeployment({ name: w.name, namespace: w.namespace }, kube.options),
      );
      status = deploymentStatus(d);
      selector = labelSelectorOf(d.spec?.selector);
    } else {
      const ds = await kubeCall(ctx, `reading ${ref}`, () =>
        kube.apps.readNamespacedDaemonSet({ name: w.name, namespace: w.namespace }, kube.options),
      );
      status = daemonSetStatus(ds);
      selector = labelSelectorOf(ds.spec?.selector);
    }
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    if (isNotFound(err)) return { ...base, ok: false, summary: `${w.kind} not found` };
    const message = err instanceof ProbeError ? err.message : String(err);
    return { ...base, ok: false, error: true, summary: message };
  }
  const seen = { ...base, desired: status.desired, available: status.available };
  if (status.ok) return { ...seen, ok: true, summary: status.summary };
  const pod = selector ? await firstUnreadyPod(ctx, kube, w.namespace, selector) : undefined;
  return { ...seen, ok: false, summary: pod ? `${status.summary} (${pod})` : status.summary };
}

/** "pod coredns-x: CrashLoopBackOff (...)" for the first pod that is not Ready; best effort. */
async function firstUnreadyPod(
  ctx: CheckContext,
  kube: KubeSession,
  namespace: string,
  labelSelector: string,
): Promise<string | undefined> {
  try {
    const pods = await kubeCall(ctx, `listing pods in ${namespace} (${labelSelector})`, () =>
      kube.core.listNamespacedPod({ namespace, labelSelector, limit: 100 }, kube.options),
    );
    for (const pod of pods.items ?? []) {
      const problem = podProblem(pod);
      if (problem) return `pod ${pod.metadata?.name ?? "(unnamed)"}: ${problem}`;
    }
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    // The verdict is already "not available"; the pod detail is only a hint.
  }
  return undefined;
}

/**
 * The verdict over several workloads: ok when all are; otherwise the first problems, each named
 * `namespace/name`. Unhealthy when any workload was seen bad, an error when the only problems are
 * workloads that could not be read.
 */
export function workloadsVerdict<O>(
  observations: WorkloadObservation[],
  observed: O,
  okDetail: (count: number) => string,
): Verdict<O> {
  const bad = observations.filter((o) => !o.ok);
  if (bad.length === 0) {
    const list = observations.map((o) => `${o.name} ${o.summary.replace(/ available$/, "")}`);
    return { ok: true, detail: `${okDetail(observations.length)}: ${list.join(", ")}`, observed };
  }
  const shown = bad
    .slice(0, SHOWN)
    .map((o) => (o.error ? o.summary : `${o.namespace}/${o.name} ${o.summary}`));
  const more = bad.length > SHOWN ? `; and ${bad.length - SHOWN} more` : "";
  return {
    ok: false,
    failure: bad.every((o) => o.error) ? "error" : "unhealthy",
    detail: `${shown.join("; ")}${more}`,
    observed,
  };
}

/** What a workloads gate checks and how it names what it saw. */
export interface WorkloadsGateSpec<K extends string> {
  name: string;
  timeoutMs: number;
  /** The key of the observation list in `observed`, e.g. "deployments". */
  key: K;
  /** The workloads to check on this target. */
  select: (target: ClusterTarget) => readonly SystemWorkload[];
  /** The detail when there is nothing to check, e.g. "no services declared". */
  none: string;
  /** What one workload is called in the success detail, e.g. "service Deployment". */
  noun: string;
}

/**
 * A gate that every selected workload is fully rolled out and available ({@link checkWorkload}),
 * all read at once, judged by {@link workloadsVerdict}.
 */
export function workloadsGate<K extends string>(
  spec: WorkloadsGateSpec<K>,
): HealthGate<Record<K, WorkloadObservation[]>> {
  const observedAs = (list: WorkloadObservation[]) =>
    ({ [spec.key]: list }) as Record<K, WorkloadObservation[]>;
  return guardedGate(spec.name, spec.timeoutMs, async (ctx) => {
    const selected = spec.select(ctx.target);
    if (selected.length === 0) return { ok: true, detail: spec.none, observed: observedAs([]) };
    const kube = kubeSession(ctx);
    const seen = await Promise.all(selected.map((w) => checkWorkload(ctx, kube, w)));
    return workloadsVerdict(
      seen,
      observedAs(seen),
      (n) => `${n} ${spec.noun}${n === 1 ? "" : "s"} available`,
    );
  });
}
