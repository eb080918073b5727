import type { CheckReport } from "./report";

/**
 * How many clusters use each resource of a report: the clusters with a resource that depends on
 * it (a dependency, per property or explicit, or its provider; not its parent), directly or
 * through other resources. An environment-level resource is not necessarily shared by every
 * cluster: a hosted zone may serve all of them, a role one of four, a component none.
 *
 * Linear: one pass over the resources in reverse registration order (a resource's dependencies
 * are registered before it, so everything that uses it has been seen by then), each resource's
 * clusters a bitset of `ceil(N / 32)` words. A dependency registered after its user (rare) is
 * credited with that user's own cluster only.
 */
export function clustersUsing(report: Pick<CheckReport, "clusters" | "resources">): Int32Array {
  const { resources } = report;
  const clusterIndex = new Map(report.clusters.map((c, k) => [c.name, k]));
  const words = Math.max(1, Math.ceil(report.clusters.length / 32));
  const used = new Uint32Array(resources.length * words);
  const position = new Map<string, number>();
  resources.forEach((r, i) => position.set(r.urn, i));
  const credit = (target: number | undefined, from: number, own: number) => {
    if (target === undefined || target === from) return;
    const to = target * words;
    const base = from * words;
    for (let w = 0; w < words; w++) used[to + w] |= used[base + w];
    if (own >= 0) used[to + (own >>> 5)] |= 1 << (own & 31);
  };
  for (let i = resources.length - 1; i >= 0; i--) {
    const r = resources[i];
    const own = r.cluster === null ? -1 : (clusterIndex.get(r.cluster) ?? -1);
    for (const dep of r.dependencies) credit(position.get(dep), i, own);
    if (r.provider) credit(position.get(r.provider), i, own);
  }
  const counts = new Int32Array(resources.length);
  for (let i = 0; i < resources.length; i++) {
    let count = 0;
    for (let w = 0; w < words; w++) count += bits(used[i * words + w]);
    counts[i] = count;
  }
  return counts;
}

/**
 * The environment-level resources of a report by how many clusters use them, e.g.
 * "3 used by every cluster, 1 used by 3 of 4 clusters, 6 used by no cluster"; "" when there are
 * none.
 */
export function environmentLevelUse(report: Pick<CheckReport, "clusters" | "resources">): string {
  const counts = clustersUsing(report);
  const byUsers = new Map<number, number>();
  report.resources.forEach((r, i) => {
    if (r.cluster === null) byUsers.set(counts[i], (byUsers.get(counts[i]) ?? 0) + 1);
  });
  const total = report.clusters.length;
  return [...byUsers.entries()]
    .sort(([a], [b]) => b - a)
    .map(([users, resources]) => `${resources} ${usedBy(users, total)}`)
    .join(", ");
}

function usedBy(users: number, total: number): string {
  if (users === 0) return "used by no cluster";
  if (users === total) return "used by every cluster";
  return `used by ${users} of ${total} clusters`;
}

/** Set bits of a 32-bit word. */
function bits(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
