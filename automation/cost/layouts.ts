import type { EnvironmentConfig } from "../../config/schema";
import type { LayoutLabel } from "./model";

/** One cluster of a layout: what the cost model needs of it. */
export interface ClusterPlan {
  name: string;
  weight: number;
  kubernetesVersion: string;
  /** The AWS region it runs in (and is priced in); absent when none is known. */
  region?: string;
}

/** A way to run the environment: the configured N clusters, or a variant to compare. */
export interface LayoutPlan {
  label: LayoutLabel;
  clusters: ClusterPlan[];
  /** Fewer clusters than `minClusters`: the config would be rejected; shown for comparison. */
  belowMinClusters: boolean;
}

/** Name of the cluster the N+1 layout adds. */
export const ADDED_CLUSTER = "(added)";

/**
 * The layouts `aa cost` compares, from the config: N as configured; N-1 without the last cluster
 * of the list (only when at least 2 remain); N+1 with one more cluster at the environment's
 * Kubernetes version and the configured clusters' mean weight (rounded, at least 1); and the
 * baseline, one cluster serving everything. Each configured cluster runs in its own region, else
 * in `region` (the stack's `aws:region`), as do the cluster N+1 adds and the single cluster. Pure.
 */
export function planLayouts(
  config: EnvironmentConfig,
  region?: string,
): {
  single: LayoutPlan;
  layouts: LayoutPlan[];
} {
  const where = (own?: string) => {
    const r = own ?? region;
    return r === undefined ? {} : { region: r };
  };
  const configured = config.clusters.map((c) => ({
    name: c.name,
    weight: c.weight,
    kubernetesVersion: c.kubernetesVersion ?? config.kubernetesVersion,
    ...where(c.region),
  }));
  const n = configured.length;
  const plan = (label: LayoutLabel, clusters: ClusterPlan[]): LayoutPlan => ({
    label,
    clusters,
    belowMinClusters: label !== "1" && clusters.length < config.minClusters,
  });
  const meanWeight = configured.reduce((sum, c) => sum + c.weight, 0) / n;
  const layouts: LayoutPlan[] = [];
  if (n - 1 >= 2) layouts.push(plan("N-1", configured.slice(0, -1)));
  layouts.push(plan("N", configured));
  layouts.push(
    plan("N+1", [
      ...configured,
      {
        name: ADDED_CLUSTER,
        weight: Math.min(255, Math.max(1, Math.round(meanWeight))),
        kubernetesVersion: config.kubernetesVersion,
        ...where(),
      },
    ]),
  );
  return {
    single: plan("1", [
      { name: "single", weight: 1, kubernetesVersion: config.kubernetesVersion, ...where() },
    ]),
    layouts,
  };
}

/** A cluster's normal share of the traffic and the share it must be able to carry. */
export interface Shares {
  /** weight / sum of weights (all equal when every weight is 0). */
  share: number;
  /**
   * The largest share this cluster carries while any single other cluster is drained: its weight
   * over the weights that remain (Route 53 answers evenly when every remaining weight is 0). With
   * one cluster there is nothing to drain to it, so it is its share.
   */
  drainShare: number;
}

/**
 * Traffic shares by weight, and the drain shares the capacity check requires: if cluster j is
 * drained, the others absorb its share in proportion to their weights, so cluster i must be able to
 * carry w_i / (W - w_j) for the heaviest other j. For equal weights that is 1/(N-1). Pure.
 */
export function drainShares(weights: number[]): Shares[] {
  const total = weights.reduce((a, b) => a + b, 0);
  const k = weights.length;
  const shareOf = (i: number, among: number[]) => {
    const sum = among.reduce((s, j) => s + weights[j], 0);
    return sum > 0 ? weights[i] / sum : 1 / among.length;
  };
  const everyone = weights.map((_, i) => i);
  return weights.map((_, i) => {
    const share = total > 0 ? weights[i] / total : 1 / k;
    let drainShare = share;
    for (let j = 0; j < k; j++) {
      if (j === i) continue;
      drainShare = Math.max(
        drainShare,
        shareOf(
          i,
          everyone.filter((x) => x !== j),
        ),
      );
    }
    return { share, drainShare };
  });
}
