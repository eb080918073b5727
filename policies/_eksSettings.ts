import type { ResourceNode } from "../graph/resourceGraph";
import { at, bool, list, str, UNKNOWN_VALUE, type Read } from "./_props";
import { AWS_EKS_CLUSTER, EKS_COMPONENT } from "./_clusters";

/** The EKS settings the hardening policies read, from either kind of cluster resource. */
export interface EksSettings {
  endpointPublicAccess: Read<boolean>;
  endpointPrivateAccess: Read<boolean>;
  publicAccessCidrs: Read<unknown[]>;
  /** KMS key used to encrypt Kubernetes secrets; UNKNOWN_VALUE when set from another resource. */
  secretsKeyArn: Read<string>;
}

/**
 * Reads the settings of an `eks:index:Cluster` (its arguments, with @pulumi/eks's defaults: public
 * endpoint on, private endpoint off) or an `aws:eks/cluster:Cluster` (its `vpcConfig` and
 * `encryptionConfig`, with AWS's defaults); undefined for other types.
 */
export function eksSettings(n: ResourceNode): EksSettings | undefined {
  if (n.type === EKS_COMPONENT) {
    // A stack export may keep no arguments for the component (only its outputs); its
    // aws:eks/cluster:Cluster child carries the real settings and is checked instead.
    if (!COMPONENT_ARGUMENTS.some((key) => key in n.inputs)) return undefined;
    return {
      endpointPublicAccess: orDefault(bool(n.inputs, "endpointPublicAccess"), true),
      endpointPrivateAccess: orDefault(bool(n.inputs, "endpointPrivateAccess"), false),
      publicAccessCidrs: list(n.inputs, "publicAccessCidrs"),
      secretsKeyArn: str(n.inputs, "encryptionConfigKeyArn"),
    };
  }
  if (n.type === AWS_EKS_CLUSTER) {
    const vpc = at(n.inputs, "vpcConfig");
    return {
      endpointPublicAccess: orDefault(bool(vpc, "endpointPublicAccess"), true),
      endpointPrivateAccess: orDefault(bool(vpc, "endpointPrivateAccess"), false),
      publicAccessCidrs: list(vpc, "publicAccessCidrs"),
      secretsKeyArn: secretsKey(n),
    };
  }
  return undefined;
}

/** Arguments of eks.Cluster that show its properties are its arguments, not its outputs. */
const COMPONENT_ARGUMENTS = [
  "version",
  "vpcId",
  "subnetIds",
  "privateSubnetIds",
  "publicSubnetIds",
  "endpointPublicAccess",
  "endpointPrivateAccess",
  "publicAccessCidrs",
  "encryptionConfigKeyArn",
  "skipDefaultNodeGroup",
  "instanceType",
  "authenticationMode",
];

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

function orDefault<T>(value: Read<T>, fallback: T): Read<T> {
  return value === undefined ? fallback : value;
}

/** The display name of a cluster resource: its `active-active/cluster` tag, else its name. */
export function eksName(n: ResourceNode): string {
  const tag = str(n.inputs, "tags", "active-active/cluster");
  return typeof tag === "string" && tag ? tag : n.name;
}
