import type { Requests } from "./requests";

/**
 * Can the other clusters absorb one cluster's share of the traffic? Pure arithmetic, one model for
 * both places that ask: the drain gate (`automation/capacity`: live replicas and the free room of
 * the ready nodes, before a rollout drains a cluster) and the `capacity-n-minus-1` policy (the
 * declared replicas and the room of every node group at its maximum size, in the pull request).
 * Each caller words the answer for its reader.
 *
 * The model: traffic redistributes by weight, so when a cluster of weight w leaves, each serving
 * cluster's share grows by W / (W - w), W the total weight of the serving clusters. A service's
 * load per replica stays what it is, so its replicas must grow by the same factor (rounded up); it
 * can grow up to its HPA maximum (its fixed replica count without an HPA), and the extra pods'
 * requests must fit in the cluster's headroom.
 */

/** One service on one cluster. */
export interface ServiceLoad {
  service: string;
  /** Replicas it runs (the Deployment's spec replicas, as the HPA or the config set them). */
  replicas: number;
  /** Most replicas this cluster may run: the HPA maximum, or `replicas` without an HPA. */
  maxReplicas: number;
  /** CPU request of one pod, millicores. */
  cpuMilli: number;
  /** Memory request of one pod, MiB. */
  memoryMiB: number;
}

/** One cluster's capacity. */
export interface ClusterCapacity {
  cluster: string;
  /** Route 53 weight; 0 means it serves no traffic (and absorbs none). */
  weight: number;
  services: ServiceLoad[];
  /** Room left for more pods: what the nodes offer minus what is requested of them already. */
  headroom: Requests;
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
  extra: Requests;
  headroom: Requests;
  /** Whether the extra pods fit in the headroom (CPU and memory). */
  fits: boolean;
  /** Every service can scale far enough and the extra pods fit. */
  ok: boolean;
}

/** The answer for one cluster's share. */
export interface Absorption {
  /** The cluster whose share the others absorb. */
  lost: string;
  ok: boolean;
  /** The factor every serving cluster's traffic grows by; Infinity when no other serves. */
  factor: number;
  /** One entry per other serving cluster; none when no other cluster serves traffic. */
  clusters: ClusterNeed[];
}

/** Whether the other serving clusters can absorb `lost`'s share, given every cluster's capacity. */
export function absorbShare(lost: string, clusters: readonly ClusterCapacity[]): Absorption {
  const target = clusters.find((c) => c.cluster === lost);
  const serving = clusters.filter((c) => c.weight > 0);
  const total = serving.reduce((sum, c) => sum + c.weight, 0);
  const share = target && target.weight > 0 ? target.weight : 0;
  const remaining = total - share;
  if (remaining <= 0) return { lost, ok: false, factor: Infinity, clusters: [] };
  const factor = total / remaining;
  const needs = serving.filter((c) => c.cluster !== lost).map((c) => clusterNeed(c, factor));
  return { lost, ok: needs.every((n) => n.ok), factor, clusters: needs };
}

function clusterNeed(c: ClusterCapacity, factor: number): ClusterNeed {
  const services = c.services.map((s) => {
    // A tiny epsilon keeps exact products (2 x 1.5 = 3) from rounding up to 4.
    const required = Math.max(s.replicas, Math.ceil(s.replicas * factor - 1e-9));
    const ok = required <= s.maxReplicas;
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
  const fits = extra.cpuMilli <= c.headroom.cpuMilli && extra.memoryMiB <= c.headroom.memoryMiB;
  return {
    cluster: c.cluster,
    factor,
    services,
    extra,
    headroom: c.headroom,
    fits,
    ok: fits && services.every((s) => s.ok),
  };
}
