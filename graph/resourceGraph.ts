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

/** Type token of the AWS resource behind every EKS cluster. */
export const AWS_EKS_CLUSTER = "aws:eks/cluster:Cluster";
/** Type token of the @pulumi/eks component. */
export const EKS_COMPONENT = "eks:index:Cluster";
/** Type tokens of an EKS cluster: the @pulumi/eks component and the raw AWS resource. */
export const EKS_CLUSTER_TYPES: ReadonlySet<string> = new Set([EKS_COMPONENT, AWS_EKS_CLUSTER]);

/** True for a Kubernetes resource managed through the Kubernetes provider. */
export function isKubernetesResource(node: Pick<ResourceNode, "type" | "custom">): boolean {
  return node.custom && node.type.startsWith("kubernetes:");
}

/** Splits a provider reference "urn::id" into its URN. */
export function providerUrn(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const at = ref.lastIndexOf("::");
  return at > 0 ? ref.slice(0, at) : ref;
}

/**
 * How a value that is not known yet (during a preview) appears in a {@link ResourceNode}: as
 * recorded offline, or as one of the engine's wire sentinels when a policy pack receives it.
 */
export const UNKNOWN = "[unknown]";

/** The engine's sentinels for unknown values of each kind (Pulumi's RPC protocol). */
const UNKNOWN_SENTINELS = new Set([
  UNKNOWN,
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** True for a value that is not known yet (computed during the update). */
export function isUnknown(value: unknown): boolean {
  // Sentinels are 9 or 36 characters long: comparing lengths first spares hashing every string
  // a policy reads (images, names, ARNs) in a large graph.
  return (
    typeof value === "string" &&
    (value.length === 36 || value.length === UNKNOWN.length) &&
    UNKNOWN_SENTINELS.has(value)
  );
}

/** True for the provider URN of a default ("ambient") provider the engine creates on its own. */
export function isDefaultProvider(urn: string): boolean {
  return /::default(_[0-9a-z_-]+)?$/i.test(urn);
}
