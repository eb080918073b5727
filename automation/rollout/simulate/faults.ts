import { UsageError } from "../../exitCodes";

/** The faults a simulated rollout can inject, one cluster each. Names are a contract. */
export const FAULT_KINDS = [
  "gate-fails",
  "gate-hangs",
  "up-fails",
  "preview-touches-other",
  "unhealthy-before",
  "crash-after-drain",
  "crash-after-up",
  "ramp-fails",
  "crash-during-ramp",
  "metrics-degrade",
  "metrics-latency",
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault on one cluster. */
export interface Fault {
  cluster: string;
  kind: FaultKind;
}

/**
 * Parses `CLUSTER:KIND`; throws a UsageError naming the allowed kinds and clusters. `clusters`:
 * every cluster a fault may name (the config's, and deployed ones being removed).
 */
export function parseFault(text: string, clusters: string[]): Fault {
  const [cluster, kind, ...rest] = text.split(":");
  if (!cluster || !kind || rest.length > 0) {
    throw new UsageError(
      `--fault "${text}" is not CLUSTER:KIND, e.g. "${clusters[0] ?? "a"}:gate-fails"`,
    );
  }
  if (!clusters.includes(cluster)) {
    throw new UsageError(
      `--fault "${text}": no cluster "${cluster}"; clusters are ${clusters.join(", ")}`,
    );
  }
  if (!(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(
      `--fault "${text}": unknown kind "${kind}"; use one of ${FAULT_KINDS.join(", ")}`,
    );
  }
  return { cluster, kind: kind as FaultKind };
}

/** True when `faults` has this kind on this cluster. */
export function hasFault(faults: readonly Fault[], cluster: string, kind: FaultKind): boolean {
  return faults.some((f) => f.cluster === cluster && f.kind === kind);
}
