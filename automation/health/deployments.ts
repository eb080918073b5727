import { guardedCheck } from "./guard";
import { kubeSession } from "../k8s/kube";
import { checkWorkload, workloadsVerdict, type WorkloadObservation } from "./_workloads";
import type { HealthGate } from "./gate";

/** What the deployments gate saw. */
export type DeploymentsObserved = { deployments: WorkloadObservation[] };

/** Arguments of {@link deploymentsGate}. */
export interface DeploymentsGateArgs {
  /** Timeout of one check, milliseconds. @default 20000 */
  timeoutMs?: number;
}

/**
 * "deployments": every service's Deployment on this cluster is fully rolled out and available:
 * the controller has seen the current spec (observedGeneration), every replica runs it
 * (updatedReplicas), no old replica is left, and availableReplicas == spec.replicas. A missing
 * Deployment is unhealthy; a read that fails is an error, never "fine".
 */
export function deploymentsGate(args: DeploymentsGateArgs = {}): HealthGate<DeploymentsObserved> {
  const name = "deployments";
  const timeoutMs = args.timeoutMs ?? 20_000;
  return {
    name,
    timeoutMs,
    check: (target, opts) =>
      guardedCheck(name, timeoutMs, target, opts, async (ctx) => {
        if (target.services.length === 0) {
          return { ok: true, detail: "no services declared", observed: { deployments: [] } };
        }
        const kube = kubeSession(ctx);
        const deployments = await Promise.all(
          target.services.map((s) =>
            checkWorkload(ctx, kube, { kind: "Deployment", namespace: s.namespace, name: s.name }),
          ),
        );
        return workloadsVerdict(
          deployments,
          { deployments },
          (n) => `${n} service Deployment${n === 1 ? "" : "s"} available`,
        );
      }),
  };
}
