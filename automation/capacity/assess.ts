import {
  absorbShare,
  type ClusterCapacity,
  type ClusterNeed,
  type ServiceNeed,
} from "../../capacity/absorb";

/**
 * Can the other clusters absorb a drained cluster's traffic, as they are now? The drain gate reads
 * each cluster's live capacity and calls {@link assessDrain}, which runs the shared arithmetic
 * (`capacity/absorb.ts`) and says what stands in the way of the drain.
 *
 * Assumptions, stated in every result: traffic redistributes by weight (each serving cluster's
 * share grows by W / (W - w), W the total weight of the serving clusters and w the drained
 * cluster's weight), and a service's load per replica stays what it is now, so replicas must grow
 * by the same factor. A service scales up to its HPA maximum (to its fixed replica count without
 * an HPA), and the extra pods need room on the cluster's ready nodes as they are now (a cluster
 * autoscaler may add nodes, but a drain must not bet on it).
 */

/** What one absorbing cluster would need, and why it could not. */
export interface DrainNeed extends ClusterNeed {
  /** Why not, with numbers. */
  problems: string[];
}

/** The answer for draining one cluster. */
export interface DrainAssessment {
  drained: string;
  ok: boolean;
  /** The factor every serving cluster's traffic grows by. */
  factor: number;
  clusters: DrainNeed[];
  /** Every problem, with numbers and the fix. */
  problems: string[];
}

/** Assesses draining `drained`, given every cluster's capacity now. */
export function assessDrain(drained: string, clusters: ClusterCapacity[]): DrainAssessment {
  const absorption = absorbShare(drained, clusters);
  if (absorption.factor === Infinity) {
    const problem = `no other cluster serves traffic, so nothing can absorb ${drained}'s share`;
    return { drained, ok: false, factor: Infinity, clusters: [], problems: [problem] };
  }
  const needs = absorption.clusters.map((n) => ({ ...n, problems: drainProblems(n, drained) }));
  const problems = needs.flatMap((n) => n.problems);
  return { drained, ok: absorption.ok, factor: absorption.factor, clusters: needs, problems };
}

function drainProblems(n: ClusterNeed, drained: string): string[] {
  const problems = n.services
    .filter((s) => !s.ok)
    .map(
      (s) =>
        `${n.cluster} cannot absorb ${drained}'s share (x${n.factor.toFixed(2)}): ${s.service} needs ${s.required} replicas, ` +
        ceilingFix(s),
    );
  if (!n.fits) {
    problems.push(
      `${n.cluster} needs ${n.extra.cpuMilli}m CPU and ${n.extra.memoryMiB}Mi memory more to absorb ${drained}'s share, ` +
        `but its nodes have ${Math.max(0, n.headroom.cpuMilli)}m CPU and ${Math.max(0, n.headroom.memoryMiB)}Mi free; ` +
        "add nodes (nodeGroup.desiredSize) before draining",
    );
  }
  return problems;
}

function ceilingFix(s: ServiceNeed): string {
  return s.ceiling === s.current
    ? `it runs a fixed ${s.current} (no autoscaling); add services[].autoscaling.maxReplicas >= ${s.required} or raise replicas`
    : `its HPA allows ${s.ceiling}; raise services[].autoscaling.maxReplicas to ${s.required}`;
}
