import { edgesOf, type GraphCluster } from "../graph/membership";
import { isKubernetesResource, type ResourceNode } from "../graph/resourceGraph";
import { names } from "./_props";
import {
  dependsOnOneCluster,
  footingOf,
  sharedSingleClusterDependencies,
  type SharedSingleClusterDependency,
} from "./_singleClusterDependency";
import { IGNORE_TYPES, type Finding, type PolicySpec } from "./policySpec";
import { label, sdkName, stackView, type StackView } from "./stackView";

export interface NoSharedSingleClusterDependencyConfig {
  /** Type tokens of resources left out of the check. */
  ignoreTypes: string[];
}

/**
 * `no-shared-single-cluster-dependency`: what several clusters share depends on no one cluster.
 * Rejected: (1) an environment-level resource that depends on some clusters but not all of them
 * (a load balancer or target group listing two of three clusters); (2) a resource of one cluster
 * used by an environment-level resource that serves every cluster, with no counterpart in the
 * other clusters (one cluster's database endpoint published as the environment's shared config);
 * (3) a resource outside a cluster that belongs to it through what it depends on (its subnet, its
 * key, its provider's region) and that other clusters use (a database in cluster a's subnet that
 * a's and b's Deployments use): one finding for the resource, not one per use, which
 * `no-cross-cluster-dependency` leaves to this policy.
 */
export const noSharedSingleClusterDependency: PolicySpec<NoSharedSingleClusterDependencyConfig> = {
  name: "no-shared-single-cluster-dependency",
  description:
    "What several clusters share depends on every cluster alike, never on some clusters or on one cluster's resources.",
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
    const shared = sharedSingleClusterDependencies(view, ignored);
    const reported = new Set(shared.map((d) => d.node.urn));
    for (const d of shared) findings.push(sharedDependencyFinding(view, d));
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
        findings.push(...asymmetricUses(view, node, ignored, reported));
      }
    }
    return findings;
  },
};

/**
 * For an environment-level resource that serves every cluster: its direct dependencies that
 * belong to one cluster and have no counterpart (a resource of the same type) in every other.
 */
function asymmetricUses(
  view: StackView,
  user: ResourceNode,
  ignored: Set<string>,
  reported: ReadonlySet<string>,
): Finding[] {
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
      // Other clusters use it directly too: reported once, as a shared dependency on its cluster.
      if (lacking.length === 0 || reported.has(dep.urn)) continue;
      findings.push({
        urn: dep.urn,
        message:
          `${label(dep)} belongs to cluster "${owner.name}" alone${standing(view, dep, owner)}, ` +
          `but ${label(user)}, which serves every cluster, uses it; ` +
          `${names(lacking.map((c) => c.name))} have no ${sdkName(dep.type)} of their own in it. ` +
          `When "${owner.name}" fails, every cluster loses what ${label(user)} takes from it. ` +
          `Give every cluster its own ${sdkName(dep.type)}, or move it outside the clusters and ` +
          `treat it as shared state.`,
      });
    }
  }
  return findings;
}

/**
 * A resource outside cluster X that X's failure reaches (through its subnet, key or provider)
 * and that other clusters use: named once, with what of X it stands on and who uses it.
 */
function sharedDependencyFinding(view: StackView, d: SharedSingleClusterDependency): Finding {
  const { node, cluster, users } = d;
  const footing = footingText(view, node, cluster);
  const verb = users.length === 1 ? "uses" : "use";
  return {
    urn: node.urn,
    message:
      `${label(node)} depends on cluster "${cluster.name}"` +
      (footing ? `'s ${footing}, ` : ", ") +
      `yet ${users.length === 1 ? "cluster" : "clusters"} ${names(users.map((c) => c.name))} ` +
      `${verb} it: a shared dependency on one cluster. When "${cluster.name}" fails, or what it ` +
      `is built on does (its network, its key, its region) or is deleted with it, every cluster ` +
      `that uses ${label(node)} loses it. Give each cluster its own ${sdkName(node.type)}, on ` +
      `that cluster's own network and key, or put it on shared infrastructure outside every ` +
      `cluster (a network and key that no cluster is built on), where ` +
      `shared-state-outside-clusters names it as shared state.`,
  };
}

/**
 * What of its cluster a resource stands on, for a message: `aws.ec2.Subnet "a-private-0"
 * (through aws.rds.SubnetGroup "orders")`; undefined when the walk finds none of it.
 */
function footingText(
  view: StackView,
  node: ResourceNode,
  cluster: GraphCluster,
): string | undefined {
  const { own, through } = footingOf(view, node, cluster);
  if (own.length === 0) return through.length ? labels(through) : undefined;
  const named = own.map((r) => (r.urn === node.provider ? `${label(r)} (its provider)` : label(r)));
  const via = through.length ? ` (through ${labels(through)})` : "";
  return `${listed(named)}${via}`;
}

function labels(nodes: readonly ResourceNode[]): string {
  return listed(nodes.map(label));
}

/** "x", "x and y", "x, y and z". */
function listed(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** For a resource that belongs to its cluster from outside, what of it it stands on: ` (it stands on ...)`. */
function standing(view: StackView, node: ResourceNode, cluster: GraphCluster): string {
  if (!dependsOnOneCluster(view, node)) return "";
  const footing = footingText(view, node, cluster);
  return footing ? ` (it stands on "${cluster.name}"'s ${footing})` : "";
}
