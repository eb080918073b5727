import type { GraphCluster } from "../graph/membership";
import type { ResourceNode } from "../graph/resourceGraph";
import { at, bool, list, str, UNKNOWN_VALUE, type Read } from "./_props";
import { AWS_EKS_CLUSTER, clusterSettingsNodes, EKS_COMPONENT } from "./_clusters";
import { label, type StackView } from "./stackView";

/** The settings of one cluster the hardening policies read, and where they were read. */
export interface EksSettings {
  cluster: GraphCluster;
  /** The resource the settings were read from, and the one a finding about them is reported on. */
  node: ResourceNode;
  /**
   * "arguments": the arguments of an `eks:index:Cluster` that has no `aws:eks/cluster:Cluster`
   * child in the graph (a program run offline), @pulumi/eks's defaults for those left out;
   * "resource": the properties of an `aws:eks/cluster:Cluster` (one of its own, or the one an
   * eks.Cluster created, in a stack export or a preview of a deployed stack), AWS's defaults for
   * those left out.
   */
  from: "arguments" | "resource";
  /** The `eks:index:Cluster` that created `node`, when `node` is an aws.eks.Cluster it created. */
  createdBy?: ResourceNode;
  endpointPublicAccess: Read<boolean>;
  endpointPrivateAccess: Read<boolean>;
  /** The CIDRs the public endpoint is open to; undefined (not set) means 0.0.0.0/0. */
  publicAccessCidrs: Read<unknown[]>;
  /** KMS key used to encrypt Kubernetes secrets; UNKNOWN_VALUE when set from another resource. */
  secretsKeyArn: Read<string>;
  /** The settings above that were not given and are their defaults. */
  defaulted: ReadonlySet<"endpointPublicAccess" | "endpointPrivateAccess">;
}

/**
 * The settings of every cluster of the view, in registration order: each cluster is read from
 * exactly one resource, never from both the @pulumi/eks component and the aws.eks.Cluster it
 * created. The component's arguments count only when the graph has no such child: a stack
 * export keeps no arguments for a component (and its outputs hold none of these settings), while
 * the child carries the real ones.
 *
 * @pulumi/eks 4's defaults (its schema, `ClusterOptions` in nodejs/eks/cluster/cluster.ts, which
 * passes these arguments to the aws.eks.Cluster unchanged): `endpointPublicAccess` true,
 * `endpointPrivateAccess` false, no `publicAccessCidrs` (EKS then allows 0.0.0.0/0), and secrets
 * encryption only with `encryptionConfigKeyArn`.
 */
export function eksSettings(view: StackView): EksSettings[] {
  const nodes = clusterSettingsNodes(view);
  const out: EksSettings[] = [];
  for (const cluster of view.clusters) {
    const node = nodes.get(cluster.urn);
    if (node?.type === EKS_COMPONENT) out.push(fromArguments(cluster, node));
    else if (node?.type === AWS_EKS_CLUSTER) {
      const root = view.byUrn.get(cluster.urn);
      out.push({ ...fromResource(cluster, node), createdBy: root === node ? undefined : root });
    }
  }
  return out;
}

function fromArguments(cluster: GraphCluster, n: ResourceNode): EksSettings {
  const publicAccess = bool(n.inputs, "endpointPublicAccess");
  const privateAccess = bool(n.inputs, "endpointPrivateAccess");
  return {
    cluster,
    node: n,
    from: "arguments",
    endpointPublicAccess: publicAccess ?? true,
    endpointPrivateAccess: privateAccess ?? false,
    publicAccessCidrs: list(n.inputs, "publicAccessCidrs"),
    secretsKeyArn: str(n.inputs, "encryptionConfigKeyArn"),
    defaulted: defaultedOf(publicAccess, privateAccess),
  };
}

function fromResource(cluster: GraphCluster, n: ResourceNode): EksSettings {
  const vpc = at(n.inputs, "vpcConfig");
  const publicAccess = bool(vpc, "endpointPublicAccess");
  const privateAccess = bool(vpc, "endpointPrivateAccess");
  return {
    cluster,
    node: n,
    from: "resource",
    endpointPublicAccess: publicAccess ?? true,
    endpointPrivateAccess: privateAccess ?? false,
    publicAccessCidrs: list(vpc, "publicAccessCidrs"),
    secretsKeyArn: secretsKey(n),
    defaulted: defaultedOf(publicAccess, privateAccess),
  };
}

function defaultedOf(publicAccess: Read<boolean>, privateAccess: Read<boolean>) {
  const defaulted = new Set<"endpointPublicAccess" | "endpointPrivateAccess">();
  if (publicAccess === undefined) defaulted.add("endpointPublicAccess");
  if (privateAccess === undefined) defaulted.add("endpointPrivateAccess");
  return defaulted;
}

function secretsKey(n: ResourceNode): Read<string> {
  const config = at(n.inputs, "encryptionConfig");
  if (config === UNKNOWN_VALUE) return UNKNOWN_VALUE;
  // The bridged provider has used both an object and a one-element list here.
  const first: unknown = Array.isArray(config) ? config[0] : config;
  if (!first || typeof first !== "object") return undefined;
  const resources = list(first, "resources");
  if (Array.isArray(resources) && !resources.includes("secrets")) return undefined;
  return str(first, "provider", "keyArn");
}

/**
 * How messages name the resource the settings were read from and its cluster, e.g.
 * `eks.Cluster "prod-b-eks" (cluster "b")`, or for the child of a component
 * `aws.eks.Cluster "b-eksCluster" of eks.Cluster "b" (cluster "b")`.
 */
export function describe(s: EksSettings): string {
  const owner = s.createdBy ? ` of ${label(s.createdBy)}` : "";
  return `${label(s.node)}${owner} (cluster "${s.cluster.name}")`;
}

/** Who chose a default: "@pulumi/eks" for a component's arguments, "EKS" for an aws.eks.Cluster. */
export function defaultsBy(s: EksSettings): string {
  return s.from === "arguments" ? "@pulumi/eks" : "EKS";
}
