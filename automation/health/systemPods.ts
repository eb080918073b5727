import { guardedCheck } from "./guard";
import { kubeSession } from "../k8s/kube";
import { checkWorkload, workloadsVerdict, type WorkloadObservation } from "./_workloads";
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
  const name = "system-pods";
  const timeoutMs = args.timeoutMs ?? 20_000;
  return {
    name,
    timeoutMs,
    check: (target, opts) =>
      guardedCheck(name, timeoutMs, target, opts, async (ctx) => {
        if (target.systemWorkloads.length === 0) {
          return { ok: true, detail: "no system workloads expected", observed: { workloads: [] } };
        }
        const kube = kubeSession(ctx);
        const workloads = await Promise.all(
          target.systemWorkloads.map((w) => checkWorkload(ctx, kube, w)),
        );
        return workloadsVerdict(
          workloads,
          { workloads },
          (n) => `${n} system workload${n === 1 ? "" : "s"} available`,
        );
      }),
  };
}
