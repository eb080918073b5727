import type { GraphCluster } from "../graph/membership";
import { AWS_EKS_CLUSTER, type ResourceNode } from "../graph/resourceGraph";
import { at, str, UNKNOWN_VALUE, type Read } from "./_props";
import type { StackView } from "./stackView";

export { AWS_EKS_CLUSTER, EKS_COMPONENT } from "../graph/resourceGraph";

/**
 * The resource whose properties describe cluster settings: the `aws:eks/cluster:Cluster` the
 * @pulumi/eks component created (the first by URN, when the graph has it: a real preview or a
 * stack export), else the cluster resource itself (offline, where the component has no children).
 */
export function clusterSettingsNode(view: StackView, cluster: GraphCluster): ResourceNode {
  return clusterSettingsNodes(view).get(cluster.urn) as ResourceNode;
}

/**
 * {@link clusterSettingsNode} of every cluster of the view, by cluster URN, in one pass over the
 * `aws:eks/cluster:Cluster` resources. An aws.eks.Cluster inside the component belongs to it (see
 * `clusterMembership`), so it is found among the resources of that type, without walking the
 * component's descendants; an aws.eks.Cluster outside any component is a cluster of its own.
 */
export function clusterSettingsNodes(view: StackView): Map<string, ResourceNode> {
  const nodes = new Map<string, ResourceNode>();
  for (const i of view.positionsOf([AWS_EKS_CLUSTER])) {
    const cluster = view.clusterAt(i);
    const node = view.nodes[i];
    const known = cluster && nodes.get(cluster.urn);
    // The first by URN, should a component have several: not the first registered.
    if (cluster && (!known || node.urn < known.urn)) nodes.set(cluster.urn, node);
  }
  for (const c of view.clusters) {
    const root = view.byUrn.get(c.urn);
    if (root && !nodes.has(c.urn)) nodes.set(c.urn, root);
  }
  return nodes;
}

/** The Kubernetes version a cluster runs or is declared with, e.g. "1.33". */
export function clusterVersion(view: StackView, cluster: GraphCluster): Read<string> {
  const node = clusterSettingsNode(view, cluster);
  const own = versionOf(node.inputs.version);
  if (own !== undefined) return own;
  // The @pulumi/eks component's outputs carry the AWS cluster it created.
  return versionOf(at(node.inputs, "eksCluster", "version"));
}

function versionOf(value: unknown): Read<string> {
  if (value === UNKNOWN_VALUE) return UNKNOWN_VALUE;
  if (typeof value === "number") return String(value);
  return str(value);
}

/** The minor of a Kubernetes version: "1.33" -> 33, "v1.31.2" -> 31; undefined if unparsable. */
export function minorOf(version: string): number | undefined {
  const m = /^v?1\.(\d+)/.exec(version.trim());
  return m ? Number(m[1]) : undefined;
}
