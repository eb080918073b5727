import type { V1DaemonSet, V1Deployment, V1Pod } from "@kubernetes/client-node";

/** Whether a workload is fully rolled out and available, in words. */
export interface RolloutStatus {
  ok: boolean;
  /** "2/2 available" when ok, else what is missing ("1/2 available"). */
  summary: string;
  /** Replicas (or scheduled pods) the workload wants. */
  desired: number;
  /** Replicas (or pods) available now. */
  available: number;
}

/**
 * A Deployment is fully rolled out when its controller has seen the current spec
 * (observedGeneration >= generation), every wanted replica runs the current template
 * (updatedReplicas == spec.replicas), no old replica is left (status.replicas == updatedReplicas)
 * and all of them are available. The rule `kubectl rollout status` uses, plus availability.
 * A Deployment scaled to 0 serves nothing, so it is not healthy.
 */
export function deploymentStatus(d: V1Deployment): RolloutStatus {
  const desired = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const updated = s.updatedReplicas ?? 0;
  const total = s.replicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const result = (ok: boolean, summary: string) => ({ ok, summary, desired, available });

  const generation = d.metadata?.generation ?? 0;
  if ((s.observedGeneration ?? 0) < generation) {
    return result(
      false,
      `new spec not yet seen by the controller (generation ${generation}, observed ${s.observedGeneration ?? 0})`,
    );
  }
  const stuck = s.conditions?.find(
    (c) => c.type === "Progressing" && c.reason === "ProgressDeadlineExceeded",
  );
  if (stuck) {
    return result(
      false,
      `rollout stuck (ProgressDeadlineExceeded), ${available}/${desired} available`,
    );
  }
  if (desired === 0) return result(false, "scaled to 0 replicas");
  if (updated < desired)
    return result(false, `${updated}/${desired} updated, ${available}/${desired} available`);
  if (total > updated) return result(false, `${total - updated} old replica(s) still running`);
  if (available < desired) return result(false, `${available}/${desired} available`);
  return result(true, `${available}/${desired} available`);
}

/**
 * A DaemonSet is fully rolled out when its controller has seen the current spec, it is scheduled
 * on at least one node, every scheduled pod runs the current template and all of them are
 * available. On no nodes at all it is not healthy: aws-node on zero nodes means no pod network.
 */
export function daemonSetStatus(ds: V1DaemonSet): RolloutStatus {
  const s = ds.status;
  const desired = s?.desiredNumberScheduled ?? 0;
  const updated = s?.updatedNumberScheduled ?? 0;
  const available = s?.numberAvailable ?? 0;
  const result = (ok: boolean, summary: string) => ({ ok, summary, desired, available });

  const generation = ds.metadata?.generation ?? 0;
  if ((s?.observedGeneration ?? 0) < generation) {
    return result(
      false,
      `new spec not yet seen by the controller (generation ${generation}, observed ${s?.observedGeneration ?? 0})`,
    );
  }
  if (desired === 0) return result(false, "scheduled on no nodes");
  if (updated < desired)
    return result(false, `${updated}/${desired} updated, ${available}/${desired} available`);
  if (available < desired) return result(false, `${available}/${desired} available`);
  return result(true, `${available}/${desired} available`);
}

/**
 * Why a pod is not serving, in a few words ("CrashLoopBackOff (container coredns, 12 restarts)",
 * "Pending: 0/3 nodes are available"), or undefined when it is Ready.
 */
export function podProblem(pod: V1Pod): string | undefined {
  const ready = pod.status?.conditions?.find((c) => c.type === "Ready");
  if (ready?.status === "True") return undefined;
  if (pod.metadata?.deletionTimestamp) return "terminating";
  for (const c of [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ]) {
    const state = c.state?.waiting ?? c.state?.terminated;
    const reason = state?.reason;
    if (reason && reason !== "Completed") {
      const restarts = c.restartCount ? `, ${c.restartCount} restarts` : "";
      return `${reason} (container ${c.name}${restarts})`;
    }
  }
  const phase = pod.status?.phase ?? "Unknown";
  const unscheduled = pod.status?.conditions?.find(
    (c) => c.type === "PodScheduled" && c.status === "False",
  );
  if (unscheduled)
    return `${phase}: ${unscheduled.message ?? unscheduled.reason ?? "not scheduled"}`;
  return phase === "Running" ? "Running but not Ready" : phase;
}

/** A `matchLabels` selector as a label selector string, or undefined if it has expressions. */
export function labelSelectorOf(
  selector:
    | {
        matchLabels?: Record<string, string>;
        matchExpressions?: unknown[];
      }
    | undefined,
): string | undefined {
  if (!selector?.matchLabels || (selector.matchExpressions?.length ?? 0) > 0) return undefined;
  const pairs = Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${v}`);
  return pairs.length > 0 ? pairs.join(",") : undefined;
}
