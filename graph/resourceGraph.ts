/**
 * The resource graph of one environment, as recorded from a program run under mocks or read from
 * a `pulumi stack export`. Plain data: everything that reasons over an environment (the check
 * summary, the policies, the rollout's blast-radius guard) works on this shape.
 */
export interface ResourceNode {
  urn: string;
  /** Type token, e.g. "aws:ec2/vpc:Vpc" or "kubernetes:apps/v1:Deployment". */
  type: string;
  /** Logical name. */
  name: string;
  /** Physical id, when known (custom resources after create). */
  id?: string;
  /** True for custom (provider-managed) resources, false for components. */
  custom: boolean;
  /** True for a component implemented by a provider (e.g. `eks:index:Cluster`). */
  remote?: boolean;
  /** Parent URN, if any. */
  parent?: string;
  /** URN of the explicit provider the resource uses, if any. */
  provider?: string;
  /** URNs the resource depends on (explicit and implicit). */
  dependencies: string[];
  /** Dependencies per input property. */
  propertyDependencies: Record<string, string[]>;
  /** Input properties; secrets are replaced by "[secret]". */
  inputs: Record<string, unknown>;
  /** Output properties, when known; secrets are replaced by "[secret]". */
  outputs?: Record<string, unknown>;
}

/** Type tokens of an EKS cluster: the @pulumi/eks component and the raw AWS resource. */
export const EKS_CLUSTER_TYPES = new Set(["eks:index:Cluster", "aws:eks/cluster:Cluster"]);

/** True for a Kubernetes resource managed through the Kubernetes provider. */
export function isKubernetesResource(node: Pick<ResourceNode, "type" | "custom">): boolean {
  return node.custom && node.type.startsWith("kubernetes:");
}

/** True for a provider resource (`pulumi:providers:<package>`). */
export function isProvider(node: Pick<ResourceNode, "type">): boolean {
  return node.type.startsWith("pulumi:providers:");
}

/** Splits a provider reference "urn::id" into its URN. */
export function providerUrn(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const at = ref.lastIndexOf("::");
  return at > 0 ? ref.slice(0, at) : ref;
}
