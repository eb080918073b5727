import { createHash } from "node:crypto";
import { splitCidr } from "./_cidr";
import type { EnvironmentConfig } from "./schema";

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

/** Everything one cluster is built from, resolved from the environment config. */
export interface ClusterSpec {
  name: string;
  /** Position in the config's cluster list. */
  index: number;
  weight: number;
  kubernetesVersion: string;
  addons: EnvironmentConfig["addons"];
  kyverno: EnvironmentConfig["kyverno"];
  nodeGroup: EnvironmentConfig["nodeGroup"];
  network: ClusterNetworkSpec;
  apiAccess: EnvironmentConfig["apiAccess"];
  /**
   * Hash of the cluster-scoped settings (version, add-ons, Kyverno, node group, network layout,
   * API access), leaving out what identifies the cluster (name, weight, CIDR). Clusters with the
   * same generation run the same cluster-level configuration; a change of generation is a
   * cluster-scoped change that must roll out one cluster at a time.
   */
  generation: string;
}

/** Resolves each cluster's effective settings. Pure: same config, same specs. */
export function planClusters(config: EnvironmentConfig): ClusterSpec[] {
  return config.clusters.map((cluster, index) => {
    const scoped = {
      kubernetesVersion: cluster.kubernetesVersion ?? config.kubernetesVersion,
      addons: config.addons,
      kyverno: config.kyverno,
      nodeGroup: config.nodeGroup,
      apiAccess: config.apiAccess,
    };
    return {
      name: cluster.name,
      index,
      weight: cluster.weight,
      ...scoped,
      network: planNetwork(config, cluster.cidr),
      generation: generationOf({ ...scoped, network: config.network }),
    };
  });
}

function planNetwork(config: EnvironmentConfig, cidr: string | undefined): ClusterNetworkSpec {
  const net = config.network;
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
