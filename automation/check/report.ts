import type { Membership } from "../../graph/membership";
import { EKS_CLUSTER_TYPES, type ResourceNode } from "../../graph/resourceGraph";
import type { Evaluation } from "../offline/evaluate";

/** One policy violation (filled by the policy pack). */
export interface Violation {
  policy: string;
  level: "mandatory" | "advisory" | "remediate" | "disabled";
  urn: string;
  cluster: string | null;
  message: string;
}

/** The `aa check --json` document. Field names are a contract; keep them. */
export interface CheckReport {
  environment: string;
  /**
   * One entry per cluster. `weight` and `kubernetesVersion` come from the stack config; for a
   * stack export or another program they are read from the graph and are null when it has none.
   */
  clusters: {
    name: string;
    weight: number | null;
    kubernetesVersion: string | null;
    resources: number;
  }[];
  resources: {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    provider: string | null;
    cluster: string | null;
    dependencies: string[];
  }[];
  violations: Violation[];
}

/** Builds the report from an evaluation of the active-active program. Pure. */
export function buildCheckReport(
  evaluation: Evaluation,
  violations: Violation[] = [],
): CheckReport {
  const resources = resourcesOf(evaluation.resources, evaluation.membership);
  const counts = countPerCluster(resources);
  return {
    environment: evaluation.environment.name,
    clusters: evaluation.clusters.map((c) => ({
      name: c.name,
      weight: c.weight,
      kubernetesVersion: c.settings.kubernetesVersion,
      resources: counts.get(c.name) ?? 0,
    })),
    resources,
    violations,
  };
}

/**
 * Builds the report from a resource graph alone (a stack export, or a program that does not use
 * active-active's config): clusters as the graph has them, each with the weight of its weighted
 * DNS record and the Kubernetes version of its EKS cluster when the graph records them. Pure.
 */
export function buildGraphReport(
  environment: string,
  nodes: readonly ResourceNode[],
  membership: Membership,
  violations: Violation[] = [],
): CheckReport {
  const resources = resourcesOf(nodes, membership);
  const counts = countPerCluster(resources);
  const clusterUrns = new Set(membership.clusters.map((c) => c.urn));
  const clusterNodes = new Map<string, ResourceNode>();
  const weights = new Map<string, number>();
  const awsClusterOf = new Map<string, ResourceNode>();
  // One pass; only cluster types are looked up by URN (a graph may hold 200,000 resources).
  for (const n of nodes) {
    if (n.type === "aws:route53/record:Record") {
      const owner = membership.clusterOf.get(n.urn);
      const weight = (propsOf(n).weightedRoutingPolicies as { weight?: unknown }[] | undefined)?.[0]
        ?.weight;
      if (owner && typeof weight === "number" && !weights.has(owner)) weights.set(owner, weight);
      continue;
    }
    if (n.type === "aws:eks/cluster:Cluster" && n.parent) awsClusterOf.set(n.parent, n);
    if (EKS_CLUSTER_TYPES.has(n.type) && clusterUrns.has(n.urn)) clusterNodes.set(n.urn, n);
  }
  const versionOf = (urn: string): string | null => {
    const root = clusterNodes.get(urn);
    if (!root) return null;
    const child = awsClusterOf.get(urn);
    const candidates = child ? [root, child] : [root];
    for (const n of candidates) {
      const props = propsOf(n);
      const v = props.version ?? (props.eksCluster as { version?: unknown } | undefined)?.version;
      if (typeof v === "string" && /^v?\d+\.\d+/.test(v)) return v;
    }
    return null;
  };
  return {
    environment,
    clusters: membership.clusters.map((c) => ({
      name: c.name,
      weight: weights.get(c.urn) ?? null,
      kubernetesVersion: versionOf(c.urn),
      resources: counts.get(c.name) ?? 0,
    })),
    resources,
    violations,
  };
}

function resourcesOf(
  nodes: readonly ResourceNode[],
  membership: Membership,
): CheckReport["resources"] {
  const clusterOf = clusterNameOf(nodes, membership);
  return nodes.map((r, i) => ({
    urn: r.urn,
    type: r.type,
    name: r.name,
    parent: r.parent ?? null,
    provider: r.provider ?? null,
    cluster: clusterOf(i),
    dependencies: r.dependencies,
  }));
}

/**
 * The name of the cluster the resource at each position belongs to, null for environment-level:
 * from the membership's numbered graph when it is of these nodes, without a lookup per URN.
 */
function clusterNameOf(
  nodes: readonly ResourceNode[],
  membership: Membership,
): (position: number) => string | null {
  const nameOf = new Map(membership.clusters.map((c) => [c.urn, c.name]));
  const numbered = membership.numbered;
  if (numbered?.index.nodes === nodes) {
    const { index, owner } = numbered;
    const names = new Map(membership.clusters.map((c) => [index.find(c.urn), c.name]));
    return (i) => names.get(owner[index.slotOfNode[i]]) ?? null;
  }
  return (i) => {
    const owner = membership.clusterOf.get(nodes[i].urn);
    return owner ? (nameOf.get(owner) ?? null) : null;
  };
}

function countPerCluster(resources: CheckReport["resources"]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of resources) if (r.cluster) counts.set(r.cluster, (counts.get(r.cluster) ?? 0) + 1);
  return counts;
}

/** What a resource is known as: its outputs when recorded, else its inputs. */
function propsOf(n: ResourceNode): Record<string, unknown> {
  return n.outputs && Object.keys(n.outputs).length > 0 ? n.outputs : n.inputs;
}
