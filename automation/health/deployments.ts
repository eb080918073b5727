import { workloadsGate, type WorkloadObservation } from "./_workloads";
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
  return workloadsGate({
    name: "deployments",
    timeoutMs: args.timeoutMs ?? 20_000,
    key: "deployments",
    select: (target) =>
      target.services.map((s) => ({ kind: "Deployment", namespace: s.namespace, name: s.name })),
    none: "no services declared",
    noun: "service Deployment",
  });
}
