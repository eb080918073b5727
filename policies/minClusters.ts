import { names, plural } from "./_props";
import type { PolicySpec } from "./policySpec";
import { stackView } from "./stackView";

export interface MinClustersConfig {
  /** Fewest EKS clusters the environment may have. */
  minClusters: number;
}

/**
 * `min-clusters`: an environment has at least `minClusters` EKS clusters, so a cluster-scoped
 * fault takes out at most 1/N of it.
 */
export const minClusters: PolicySpec<MinClustersConfig> = {
  name: "min-clusters",
  description: "The environment runs at least `minClusters` EKS clusters that all serve traffic.",
  enforcementLevel: "mandatory",
  scope: "stack",
  config: {
    minClusters: {
      type: "integer",
      minimum: 1,
      default: 2,
      description: "Fewest EKS clusters the environment may have.",
    },
  },
  validate(nodes, config, prebuilt) {
    const { clusters } = prebuilt ?? stackView(nodes);
    if (clusters.length >= config.minClusters) return [];
    const found =
      clusters.length === 0
        ? "no EKS cluster (eks.Cluster or aws.eks.Cluster)"
        : `${plural(clusters.length, "EKS cluster")} (${names(clusters.map((c) => c.name))})`;
    return [
      {
        message:
          `The stack has ${found}, but an environment needs at least ${config.minClusters}: ` +
          `with fewer, one cluster-scoped fault (a bad upgrade, an add-on bug) takes out more than ` +
          `1/${config.minClusters} of the traffic. Add clusters until there are ${config.minClusters}, ` +
          `each a full copy with its own network, add-ons and workloads.`,
      },
    ];
  },
};
