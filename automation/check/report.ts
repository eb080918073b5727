import type { Membership } from "../../graph/membership";
import { AWS_EKS_CLUSTER, EKS_COMPONENT, type ResourceNode } from "../../graph/resourceGraph";
import type { Evaluation } from "../offline/evaluate";
import type { StateFileInfo } from "../stackExport/stateFile";
import type { IntegrityWarning } from "../stackExport/stateIntegrity";

/** One policy violation (filled by the policy pack). */
export interface Violation {
  policy: string;
  level: "mandatory" | "advisory" | "remediate" | "disabled";
  urn: string;
  cluster: string | null;
  message: string;
}

const RECORD = "aws:route53/record:Record";
const STACK = "pulumi:pulumi:Stack";

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
  /**
   * The stack outputs, in the shape `pulumi stack output --json` prints them (a secret output is
   * "[secret]"): what the program exports under the mocks, or the export's root stack outputs.
   * `aa plan --deployed` reads them, and a reviewer sees what a deploy will export.
   */
  outputs: Record<string, unknown>;
  /**
   * For `--state` only: which form of state file was read (a `pulumi stack export` or a
   * DIY-backend checkpoint), its deployment version, the features it declares, and whether it
   * was gzipped.
   */
  stateFile?: StateFileInfo;
  /**
   * For `--state` only: what is wrong with the state that still leaves the audit one reading
   * (each with its kind, the URNs concerned and a message saying how aa read it and how to fix
   * the state); empty for a sound state. A state without one reading is refused (exit 2).
   */
  integrity?: IntegrityWarning[];
}

/** Builds the report from an evaluation of the active-active program. Pure. */
export function buildCheckReport(
  evaluation: Evaluation,
  violations: Violation[] = [],
): CheckReport {
  const { resources, counts } = resourcesOf(evaluation.resources, evaluation.membership);
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
    outputs: evaluation.outputs,
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
  const clusterUrns = new Set(membership.clusters.map((c) => c.urn));
  const clusterNodes = new Map<string, ResourceNode>();
  /** Per cluster URN, the weight of its weighted record (of the first by URN, should it have several). */
  const weights = new Map<string, { urn: string; weight: number }>();
  const awsClusterOf = new Map<string, ResourceNode>();
  let outputs: Record<string, unknown> = {};
  // In the pass that lists the resources, comparing types: only clusters are looked up by URN
  // (a graph may hold 200,000 resources).
  const { resources, counts } = resourcesOf(nodes, membership, (n, cluster) => {
    const type = n.type;
    if (type === RECORD) {
      const owner = cluster === -1 ? undefined : membership.clusters[cluster].urn;
      const weight = (propsOf(n).weightedRoutingPolicies as { weight?: unknown }[] | undefined)?.[0]
        ?.weight;
      const known = owner && weights.get(owner);
      if (owner && typeof weight === "number" && (!known || n.urn < known.urn)) {
        weights.set(owner, { urn: n.urn, weight });
      }
    } else if (type === AWS_EKS_CLUSTER || type === EKS_COMPONENT) {
      const known = n.parent && awsClusterOf.get(n.parent);
      if (type === AWS_EKS_CLUSTER && n.parent && (!known || n.urn < known.urn)) {
        awsClusterOf.set(n.parent, n);
      }
      if (clusterUrns.has(n.urn)) clusterNodes.set(n.urn, n);
    } else if (type === STACK && !n.parent) {
      outputs = n.outputs ?? {};
    }
  });
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
      weight: weights.get(c.urn)?.weight ?? null,
      kubernetesVersion: versionOf(c.urn),
      resources: counts.get(c.name) ?? 0,
    })),
    resources,
    violations,
    outputs,
  };
}

/**
 * The report's resources, and how many of them belong to each cluster (by name). One pass, which
 * also shows `visit` each resource with its cluster (its index in `membership.clusters`, -1 for
 * environment-level).
 */
function resourcesOf(
  nodes: readonly ResourceNode[],
  membership: Membership,
  visit?: (node: ResourceNode, cluster: number) => void,
): { resources: CheckReport["resources"]; counts: Map<string, number> } {
  const clusterAt = clusterIndexOf(nodes, membership);
  const names = membership.clusters.map((c) => c.name);
  const perCluster = new Int32Array(names.length);
  const resources = nodes.map((r, i) => {
    const c = clusterAt(i);
    if (c !== -1) perCluster[c]++;
    visit?.(r, c);
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      provider: r.provider ?? null,
      cluster: c === -1 ? null : names[c],
      dependencies: r.dependencies,
    };
  });
  const counts = new Map<string, number>();
  names.forEach((name, c) => counts.set(name, (counts.get(name) ?? 0) + perCluster[c]));
  return { resources, counts };
}

/**
 * The cluster (its index in `membership.clusters`) the resource at each position belongs to, -1
 * for environment-level: from the membership's numbered graph when it is of these nodes, without
 * a lookup per URN.
 */
function clusterIndexOf(
  nodes: readonly ResourceNode[],
  membership: Membership,
): (position: number) => number {
  const numbered = membership.numbered;
  if (numbered?.index.nodes === nodes) {
    const { index, owner } = numbered;
    const bySlot = new Map(membership.clusters.map((c, k) => [index.find(c.urn), k]));
    return (i) => bySlot.get(owner[index.slotOfNode[i]]) ?? -1;
  }
  const byUrn = new Map(membership.clusters.map((c, k) => [c.urn, k]));
  return (i) => {
    const owner = membership.clusterOf.get(nodes[i].urn);
    return owner === undefined ? -1 : (byUrn.get(owner) ?? -1);
  };
}

/** What a resource is known as: its outputs when recorded, else its inputs. */
function propsOf(n: ResourceNode): Record<string, unknown> {
  return n.outputs && Object.keys(n.outputs).length > 0 ? n.outputs : n.inputs;
}
