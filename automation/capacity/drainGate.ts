import type { ClusterTarget } from "../health/target";
import type { DrainGate, GateOutcome } from "../rollout/ports";
import type { ClusterCapacity } from "../../capacity/absorb";
import { assessDrain, type DrainAssessment } from "./assess";
import { readCapacity } from "./liveCapacity";

/** Where the capacity gate gets each cluster's facts. */
export interface CapacitySources {
  /** Every cluster of the environment with its weight now (0 for a drained one). */
  weights(): Promise<Record<string, number>>;
  /** How to reach one cluster (kubeconfig, services). */
  target(cluster: string): Promise<ClusterTarget | string>;
}

/**
 * The capacity check the rollout runs before draining a cluster: reads the live capacity of every
 * other serving cluster and refuses the drain, with numbers, when they could not absorb its share.
 * A cluster whose capacity cannot be read fails the gate: an unknown is never "enough".
 */
export class CapacityGate implements DrainGate {
  constructor(
    private readonly sources: CapacitySources,
    private readonly read: typeof readCapacity = readCapacity,
  ) {}

  async check(cluster: string): Promise<GateOutcome[]> {
    const result = await this.assess(cluster);
    if (typeof result === "string")
      return [{ gate: "capacity", cluster, ok: false, detail: result }];
    return capacityOutcomes(result);
  }

  /** The assessment of draining `cluster`, or why it could not be made. */
  async assess(cluster: string): Promise<DrainAssessment | string> {
    const weights = await this.sources.weights();
    const others = Object.keys(weights).filter((c) => c !== cluster && weights[c] > 0);
    const capacities: ClusterCapacity[] = [
      {
        cluster,
        weight: weights[cluster] ?? 0,
        services: [],
        headroom: { cpuMilli: 0, memoryMiB: 0 },
      },
    ];
    for (const other of others) {
      const target = await this.sources.target(other);
      if (typeof target === "string") return `cannot read the capacity of ${other}: ${target}`;
      const read = await this.read(target);
      if (!read.ok || !read.observed) return `cannot read the capacity of ${other}: ${read.detail}`;
      capacities.push({ ...read.observed, weight: weights[other] });
    }
    return assessDrain(cluster, capacities);
  }
}

/** One outcome per absorbing cluster, with the numbers. */
export function capacityOutcomes(a: DrainAssessment): GateOutcome[] {
  if (a.clusters.length === 0) {
    return [
      {
        gate: "capacity",
        cluster: a.drained,
        ok: a.ok,
        detail: a.problems[0] ?? "nothing to absorb",
      },
    ];
  }
  return a.clusters.map((c) => ({
    gate: "capacity",
    cluster: c.cluster,
    ok: c.ok,
    detail: c.ok
      ? `can absorb ${a.drained}'s share (x${c.factor.toFixed(2)}): needs ${c.extra.cpuMilli}m CPU / ${c.extra.memoryMiB}Mi more, has ${c.headroom.cpuMilli}m / ${c.headroom.memoryMiB}Mi free`
      : c.problems.join("; "),
  }));
}
