import { createHash } from "node:crypto";
import { splitCidr } from "./_cidr";
import type { EnvironmentConfig } from "./schema";

/**
 * The cluster-scoped settings of one cluster: what a rollout changes one cluster at a time.
 * Everything here is plain data, exported with the stack outputs so that a cluster can be kept
 * ("pinned") at its deployed settings while another cluster moves.
 */
export interface ClusterSettings {
  kubernetesVersion: string;
  addons: EnvironmentConfig["addons"];
  kyverno: EnvironmentConfig["kyverno"];
  nodeGroup: EnvironmentConfig["nodeGroup"];
  /** Network layout (mode, AZs, NAT); the cluster's own CIDR is identity, not a setting. */
  network: EnvironmentConfig["network"];
  apiAccess: EnvironmentConfig["apiAccess"];
}

/** The network one cluster runs in. */
export type ClusterNetworkSpec =
  | {
      mode: "vpc-per-cluster";
      /** The cluster's own VPC block. */
      cidr: string;
      availabilityZones: number;
      natGateways: "per-az" | "single";
      /** One private subnet block per AZ, in AZ order (nodes and pods). */
      privateSubnetCidrs: string[];
      /** One public subnet block per AZ, in AZ order (load balancers, NAT). */
      publicSubnetCidrs: string[];
    }
  | {
      mode: "shared-vpc";
      vpcId: string;
      privateSubnetIds: string[];
      publicSubnetIds: string[];
    };

/** Everything one cluster is built from. */
export interface ClusterSpec {
  name: string;
  /** Position in the config's cluster list. */
  index: number;
  /** Route 53 weight this cluster is deployed with (0 while drained). */
  weight: number;
  /** The cluster's own VPC block, when it has its own VPC. */
  cidr?: string;
  settings: ClusterSettings;
  /** The network, resolved from the settings' layout and the cluster's CIDR. */
  network: ClusterNetworkSpec;
  /**
   * Hash of {@link settings}. Clusters with the same generation run the same cluster-level
   * configuration; a change of generation is a cluster-scoped change that must roll out one
   * cluster at a time.
   */
  generation: string;
}

/** Each cluster's desired settings, from the environment config. Pure: same config, same specs. */
export function planClusters(config: EnvironmentConfig): ClusterSpec[] {
  return config.clusters.map((cluster, index) =>
    clusterSpec({
      name: cluster.name,
      index,
      weight: cluster.weight,
      cidr: cluster.cidr,
      settings: {
        kubernetesVersion: cluster.kubernetesVersion ?? config.kubernetesVersion,
        addons: config.addons,
        kyverno: config.kyverno,
        nodeGroup: config.nodeGroup,
        network: config.network,
        apiAccess: config.apiAccess,
      },
    }),
  );
}

/** A cluster spec from its identity and settings (network resolved, generation computed). */
export function clusterSpec(args: {
  name: string;
  index: number;
  weight: number;
  cidr?: string;
  settings: ClusterSettings;
}): ClusterSpec {
  return {
    ...args,
    network: planNetwork(args.settings.network, args.cidr),
    generation: generationOf(args.settings),
  };
}

function planNetwork(
  net: EnvironmentConfig["network"],
  cidr: string | undefined,
): ClusterNetworkSpec {
  if (net.mode === "shared-vpc") {
    return {
      mode: "shared-vpc",
      vpcId: net.vpcId,
      privateSubnetIds: net.privateSubnetIds,
      publicSubnetIds: net.publicSubnetIds,
    };
  }
  if (cidr === undefined) throw new Error("planNetwork: a validated config has a CIDR per cluster");
  const blocks = splitCidr(cidr, 2 * net.availabilityZones);
  return {
    mode: "vpc-per-cluster",
    cidr,
    availabilityZones: net.availabilityZones,
    natGateways: net.natGateways,
    privateSubnetCidrs: blocks.slice(0, net.availabilityZones),
    publicSubnetCidrs: blocks.slice(net.availabilityZones, 2 * net.availabilityZones),
  };
}

/** A short, stable hash of cluster-scoped settings: key order never changes it. */
export function generationOf(settings: unknown): string {
  return createHash("sha256").update(canonicalJson(settings)).digest("hex").slice(0, 12);
}

/** JSON with object keys sorted at every level. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
