/**
 * Can the other clusters absorb a drained cluster's traffic? Pure arithmetic over each cluster's
 * live capacity; the drain gate reads the live state and calls {@link assessDrain}.
 *
 * Assumptions, stated in every result: traffic redistributes by weight (each serving cluster's
 * share grows by W / (W - w), W the total weight of the serving clusters and w the drained
 * cluster's weight), and a service's load per replica stays what it is now, so replicas must grow
 * by the same factor. A service scales up to its HPA maximum (to its fixed replica count without
 * an HPA), and the extra pods need room on the cluster's ready nodes as they are now (a cluster
 * autoscaler may add nodes, but a drain must not bet on it).
 */

/** One service on one cluster, as it runs now. */
export interface ServiceLoad {
  service: string;
  /** Replicas running now (the Deployment's spec replicas, as the HPA set them). */
  replicas: number;
  /** Most replicas this cluster may run: the HPA maximum, or `replicas` without an HPA. */
  maxReplicas: number;
  /** CPU request of one pod, millicores. */
  cpuMilli: number;
  /** Memory request of one pod, MiB. */
  memoryMiB: number;
}

/** One cluster's capacity as it is now. */
export interface ClusterCapacity {
  cluster: string;
  /** Route 53 weight now; 0 means it serves no traffic (and absorbs none). */
  weight: number;
  services: ServiceLoad[];
  /** Allocatable minus requested on the ready, schedulable nodes. */
  headroom: { cpuMilli: number; memoryMiB: number };
}

/** What one service on one absorbing cluster would need. */
export interface ServiceNeed {
  service: string;
  current: number;
  required: number;
  ceiling: number;
  ok: boolean;
}

/** What one absorbing cluster would need. */
export interface ClusterNeed {
  cluster: string;
  /** Its traffic grows by this factor. */
  factor: number;
  services: ServiceNeed[];
  /** Extra requests of the extra pods. */
  extra: { cpuMilli: number; memoryMiB: number };
  headroom: { cpuMilli: number; memoryMiB: number };
  ok: boolean;
  /** Why not, with numbers. */
  problems: string[];
}

/** The answer for draining one cluster. */
export interface DrainAssessment {
  drained: string;
  ok: boolean;
  /** The factor every serving cluster's traffic grows by. */
  factor: number;
  clusters: ClusterNeed[];
  /** Every problem, with numbers and the fix. */
  problems: string[];
}

/** Assesses draining `drained`, given every cluster's capacity now. */
export function assessDrain(drained: string, clusters: ClusterCapacity[]): DrainAssessment {
  const target = clusters.find((c) => c.cluster === drained);
  const serving = clusters.filter((c) => c.weight > 0);
  const total = serving.reduce((sum, c) => sum + c.weight, 0);
  const lost = target && target.weight > 0 ? target.weight : 0;
  const remaining = total - lost;
  if (remaining <= 0) {
    const problem = `no other cluster serves traffic, so nothing can absorb ${drained}'s share`;
    return { drained, ok: false, factor: Infinity, clusters: [], problems: [problem] };
  }
  const factor = total / remaining;
  const needs = serving
    .filter((c) => c.cluster !== drained)
    .map((c) => clusterNeed(c, factor, drained));
  const problems = needs.flatMap((n) => n.problems);
  return { drained, ok: problems.length === 0, factor, clusters: needs, problems };
}

function clusterNeed(c: ClusterCapacity, factor: number, drained: string): ClusterNeed {
  const problems: string[] = [];
  const services = c.services.map((s) => {
    // A tiny epsilon keeps exact products (2 x 1.5 = 3) from rounding up to 4.
    const required = Math.max(s.replicas, Math.ceil(s.replicas * factor - 1e-9));
    const ok = required <= s.maxReplicas;
    if (!ok) {
      problems.push(
        `${c.cluster} cannot absorb ${drained}'s share (x${factor.toFixed(2)}): ${s.service} needs ${required} replicas, ` +
          (s.maxReplicas === s.replicas
            ? `it runs a fixed ${s.replicas} (no autoscaling); add services[].autoscaling.maxReplicas >= ${required} or raise replicas`
            : `its HPA allows ${s.maxReplicas}; raise services[].autoscaling.maxReplicas to ${required}`),
      );
    }
    return { service: s.service, current: s.replicas, required, ceiling: s.maxReplicas, ok };
  });
  const extra = services.reduce(
    (sum, need, i) => {
      const pods = need.required - need.current;
      return {
        cpuMilli: sum.cpuMilli + pods * c.services[i].cpuMilli,
        memoryMiB: sum.memoryMiB + pods * c.services[i].memoryMiB,
      };
    },
    { cpuMilli: 0, memoryMiB: 0 },
  );
  if (extra.cpuMilli > c.headroom.cpuMilli || extra.memoryMiB > c.headroom.memoryMiB) {
    problems.push(
      `${c.cluster} needs ${extra.cpuMilli}m CPU and ${extra.memoryMiB}Mi memory more to absorb ${drained}'s share, ` +
        `but its nodes have ${Math.max(0, c.headroom.cpuMilli)}m CPU and ${Math.max(0, c.headroom.memoryMiB)}Mi free; ` +
        "add nodes (nodeGroup.desiredSize) before draining",
    );
  }
  return {
    cluster: c.cluster,
    factor,
    services,
    extra,
    headroom: c.headroom,
    ok: problems.length === 0,
    problems,
  };
}
