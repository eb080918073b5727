import { edgesOf } from "../graph/membership";
import { isKubernetesResource, type ResourceNode } from "../graph/resourceGraph";
import { names } from "./_props";
import { IGNORE_TYPES, type Finding, type PolicySpec } from "./policySpec";
import { label, sdkName, stackView, type StackView } from "./stackView";

export interface NoSharedSingleClusterDependencyConfig {
  /** Type tokens of resources left out of the check. */
  ignoreTypes: string[];
}

/**
 * `no-shared-single-cluster-dependency`: environment-level resources treat every cluster alike.
 * Rejected: (1) an environment-level resource that depends on some clusters but not all of them
 * (a load balancer or target group listing two of three clusters); (2) a resource of one cluster
 * used by an environment-level resource that serves every cluster, with no counterpart in the
 * other clusters (one cluster's database endpoint published as the environment's shared config).
 */
export const noSharedSingleClusterDependency: PolicySpec<NoSharedSingleClusterDependencyConfig> = {
  name: "no-shared-single-cluster-dependency",
  description:
    "Environment-level resources depend on every cluster alike, never on some clusters or on one cluster's resources.",
  enforcementLevel: "mandatory",
  scope: "stack",
  config: {
    ignoreTypes: IGNORE_TYPES,
  },
  validate(nodes, config, prebuilt) {
    const view = prebuilt ?? stackView(nodes);
    const total = view.clusters.length;
    if (total < 2) return [];
    const ignored = new Set(config.ignoreTypes);
    const findings: Finding[] = [];
    for (const i of view.environmentLevel()) {
      const node = nodes[i];
      if (ignored.has(node.type)) continue;
      // Kubernetes resources and their providers are no-ambient-kubernetes-provider's concern.
      if (isKubernetesResource(node) || node.type === "pulumi:providers:kubernetes") continue;
      const reached = view.reaches(node.urn);
      if (reached.length >= 2 && reached.length < total) {
        const reachedUrns = new Set(reached.map((c) => c.urn));
        const left = view.clusters.filter((c) => !reachedUrns.has(c.urn));
        findings.push({
          urn: node.urn,
          message:
            `${label(node)} is shared by clusters ${names(reached.map((c) => c.name))} but not by ` +
            `${names(left.map((c) => c.name))}: an environment-level resource that serves a subset ` +
            `of the clusters (like a load balancer or target group listing two of three) makes ` +
            `the clusters unequal, and a fault in it takes out several clusters at once. Include ` +
            `every cluster in it, or replace it with one per cluster.`,
        });
      } else if (reached.length === total) {
        findings.push(...asymmetricUses(view, node, ignored));
      }
    }
    return findings;
  },
};

/**
 * For an environment-level resource that serves every cluster: its direct dependencies that
 * belong to one cluster and have no counterpart (a resource of the same type) in every other.
 */
function asymmetricUses(view: StackView, user: ResourceNode, ignored: Set<string>): Finding[] {
  const byCluster = new Map<string, ResourceNode[]>();
  for (const dep of edgesOf(user, false)) {
    const target = view.byUrn.get(dep);
    const owner = view.clusterOf(dep);
    if (!target || !owner || ignored.has(target.type)) continue;
    const list = byCluster.get(owner.urn);
    if (list) list.push(target);
    else byCluster.set(owner.urn, [target]);
  }
  const findings: Finding[] = [];
  for (const [clusterUrn, deps] of byCluster) {
    const owner = view.clusters.find((c) => c.urn === clusterUrn);
    if (!owner) continue;
    for (const dep of deps) {
      const lacking = view.clusters.filter(
        (c) =>
          c.urn !== clusterUrn && !(byCluster.get(c.urn) ?? []).some((d) => d.type === dep.type),
      );
      if (lacking.length === 0) continue;
      findings.push({
        urn: dep.urn,
        message:
          `${label(dep)} belongs to cluster "${owner.name}" alone, but ${label(user)}, which ` +
          `serves every cluster, uses it; ${names(lacking.map((c) => c.name))} have no ` +
          `${sdkName(dep.type)} of their own in it. When "${owner.name}" fails, every cluster ` +
          `loses what ${label(user)} takes from it. Give every cluster its own ${sdkName(dep.type)}, ` +
          `or move it outside the clusters and treat it as shared state.`,
      });
    }
  }
  return findings;
}
