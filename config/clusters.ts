import { createHash } from "node:crypto";
import { splitCidr } from "./_cidr";
import { fingerprintedEnv } from "./secretEnv";
import type { ClusterConfig, EnvironmentConfig } from "./schema";
import {
  CLUSTER_ENTRY_CLUSTER_KEYS,
  ENVIRONMENT_CLUSTER_KEYS,
  type ClusterEntryClusterKey,
  type EnvironmentClusterKey,
} from "./settingsScope";

/**
 * Everything one cluster runs: its full effective config, i.e. every key that
 * `config/settingsScope.ts` classifies as cluster-scoped (today: Kubernetes version, add-ons,
 * Kyverno, node group, network layout and the cluster's own CIDR, API access, the services'
 * namespace and every service's full spec), a cluster entry's key overriding the environment's.
 * Derived from that table, never hand-picked: a new config key is part of it, or declared
 * environment-level, or the code does not compile. Plain data, exported with the stack outputs so
 * that a cluster can be kept ("pinned") at its deployed settings while another cluster moves.
 * Services are sorted by name, so reordering them in the config changes nothing.
 */
export type ClusterSettings = Flat<
  Pick<EnvironmentConfig, EnvironmentClusterKey> &
    Pick<ClusterConfig, Exclude<ClusterEntryClusterKey, EnvironmentClusterKey>>
>;
type Flat<T> = { [K in keyof T]: T[K] };

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
  /**
   * Route 53 weight this cluster is deployed with: 0 while drained, a share of
   * {@link configuredWeight} while its traffic ramps (see {@link ramp}).
   */
  weight: number;
  /** The weight the config gives this cluster: its full share of the traffic. */
  configuredWeight: number;
  /**
   * Percent of its configured weight the cluster serves, 0 to 100: 100 normally, lower while
   * `aa rollout` ramps a new cluster up or a removed one down.
   */
  ramp: number;
  /**
   * The cluster is no longer in the config and `aa rollout` is taking it out: it is built from
   * its deployed settings until the rollout releases it for deletion.
   */
  removing?: true;
  settings: ClusterSettings;
  /** The network, resolved from the settings' layout and the cluster's CIDR. */
  network: ClusterNetworkSpec;
  /**
   * Hash of {@link settings}: of everything this cluster runs. Clusters with the same generation
   * run the same thing; a change of generation is a cluster-scoped change that must roll out one
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
      settings: clusterSettingsOf(config, cluster),
    }),
  );
}

/**
 * One cluster's settings: the environment's cluster-scoped keys, overridden by the cluster
 * entry's cluster-scoped keys where the entry sets them.
 */
export function clusterSettingsOf(
  config: EnvironmentConfig,
  cluster: ClusterConfig,
): ClusterSettings {
  const settings = {
    ...pick(config, ENVIRONMENT_CLUSTER_KEYS),
    ...pickDefined(cluster, CLUSTER_ENTRY_CLUSTER_KEYS),
  };
  // No grants is written as no key at all: the settings (and generations) of clusters without
  // access are what they were before `access` existed.
  const { access, ...rest } = settings;
  return {
    ...rest,
    ...(access?.length ? { access } : {}),
    // A secret env value as the fingerprint of its ciphertext (config/secretEnv.ts).
    services: rest.services
      .map((svc) => ({ ...svc, env: fingerprintedEnv(svc.env) }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

function pick<T, K extends keyof T>(from: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((k) => [k, from[k]])) as Pick<T, K>;
}

function pickDefined<T, K extends keyof T>(from: T, keys: readonly K[]): Partial<Pick<T, K>> {
  return Object.fromEntries(
    keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]]),
  ) as Partial<Pick<T, K>>;
}

/** A cluster spec from its identity and settings (network resolved, generation computed). */
export function clusterSpec(args: {
  name: string;
  index: number;
  weight: number;
  settings: ClusterSettings;
  /** @default weight */
  configuredWeight?: number;
  /** @default 100 */
  ramp?: number;
  removing?: boolean;
}): ClusterSpec {
  return {
    name: args.name,
    index: args.index,
    weight: args.weight,
    configuredWeight: args.configuredWeight ?? args.weight,
    ramp: args.ramp ?? 100,
    ...(args.removing ? { removing: true as const } : {}),
    settings: args.settings,
    network: planNetwork(args.settings.network, args.settings.cidr),
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

/** A short, stable hash of a cluster's settings: key order never changes it. */
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
