import { clusterVersion, minorOf } from "./_clusters";
import type { PolicySpec } from "./policySpec";
import { stackView } from "./stackView";

export interface ClusterVersionSkewConfig {
  /** Largest difference in Kubernetes minor versions allowed between two clusters. */
  maxMinorSkew: number;
}

/**
 * `cluster-version-skew`: the clusters' Kubernetes versions differ by at most `maxMinorSkew`
 * minors, so workloads are tested against at most two API levels and upgrades move one cluster
 * at a time, one minor at a time.
 */
export const clusterVersionSkew: PolicySpec<ClusterVersionSkewConfig> = {
  name: "cluster-version-skew",
  description: "The clusters' Kubernetes versions differ by at most one minor version.",
  enforcementLevel: "mandatory",
  scope: "stack",
  config: {
    maxMinorSkew: {
      type: "integer",
      minimum: 0,
      default: 1,
      description: "Largest difference in Kubernetes minor versions allowed between two clusters.",
    },
  },
  validate(nodes, config, prebuilt) {
    const view = prebuilt ?? stackView(nodes);
    const versions = view.clusters
      .map((cluster) => {
        const version = clusterVersion(view, cluster);
        const minor = typeof version === "string" ? minorOf(version) : undefined;
        return { cluster, version: version as string, minor: minor as number };
      })
      .filter((v) => v.minor !== undefined); // unknown or unset versions cannot be compared
    if (versions.length < 2) return [];
    const oldest = versions.reduce((a, b) => (b.minor < a.minor ? b : a));
    const newest = versions.reduce((a, b) => (b.minor > a.minor ? b : a));
    const skew = newest.minor - oldest.minor;
    if (skew <= config.maxMinorSkew) return [];
    return [
      {
        urn: oldest.cluster.urn,
        message:
          `Clusters run Kubernetes ${versions.map((v) => `${v.cluster.name}: ${v.version}`).join(", ")}; ` +
          `"${oldest.cluster.name}" (${oldest.version}) and "${newest.cluster.name}" ` +
          `(${newest.version}) are ${skew} minor versions apart, more than the ${config.maxMinorSkew} ` +
          `allowed, so workloads must work against too many API levels at once. Upgrade ` +
          `"${oldest.cluster.name}" one minor at a time, one cluster at a time (\`aa rollout\`), ` +
          `before moving any cluster further ahead.`,
      },
    ];
  },
};
