import { workloadsGate, type WorkloadObservation } from "./_workloads";
import type { HealthGate } from "./gate";

/** What the system pods gate saw. */
export type SystemPodsObserved = { workloads: WorkloadObservation[] };

/** Arguments of {@link systemPodsGate}. */
export interface SystemPodsGateArgs {
  /** Timeout of one check, milliseconds. @default 20000 */
  timeoutMs?: number;
}

/**
 * "system-pods": every system workload of the target (by default aws-node, kube-proxy, coredns in
 * kube-system and Kyverno's controllers; see `defaultSystemWorkloads`) is fully rolled out and
 * available. A DaemonSet must run on at least one node; a missing workload is unhealthy. When one
 * is not available, the first pod that is not Ready is named with its reason.
 */
export function systemPodsGate(args: SystemPodsGateArgs = {}): HealthGate<SystemPodsObserved> {
  return workloadsGate({
    name: "system-pods",
    timeoutMs: args.timeoutMs ?? 20_000,
    key: "workloads",
    select: (target) => target.systemWorkloads,
    none: "no system workloads expected",
    noun: "system workload",
  });
}
