import type { ClusterConfig, EnvironmentConfig } from "./schema";

/**
 * Where a config key belongs:
 *  - `"cluster"`: something a cluster runs. It is part of that cluster's settings and generation,
 *    so a change of it reaches the clusters one at a time (`aa rollout`);
 *  - `"environment"`: about the environment as a whole or a cluster's identity and share of the
 *    traffic (names, weights, DNS, prices, the rules the config is checked against). It is outside
 *    every generation and reaches all clusters in one update.
 */
export type KeyScope = "cluster" | "environment";

/**
 * Every key of the environment config, classified. `satisfies` makes a key added to the schema
 * without a line here a compile error: nothing a cluster runs can be left out of its generation
 * by forgetting to list it. `clusters` is the list itself; each entry's keys are classified in
 * {@link CLUSTER_ENTRY_KEY_SCOPE}.
 */
export const ENVIRONMENT_KEY_SCOPE = {
  minClusters: "environment",
  kubernetesVersion: "cluster",
  clusters: "per-cluster",
  addons: "cluster",
  addonMatrix: "environment",
  kyverno: "cluster",
  nodeGroup: "cluster",
  network: "cluster",
  apiAccess: "cluster",
  access: "cluster",
  namespace: "cluster",
  dns: "environment",
  services: "cluster",
  rollout: "environment",
  costs: "environment",
  gates: "environment",
} as const satisfies Record<keyof EnvironmentConfig, KeyScope | "per-cluster">;

/**
 * Every key of one `clusters[]` entry, classified. A cluster-scoped key of an entry overrides the
 * environment's key of the same name for that cluster (`kubernetesVersion`). Where a cluster runs
 * (`region`, `roleArn`: its AWS region and account) is everything it runs, so it is cluster-scoped
 * too; unlike the other keys it never changes for a deployed cluster (`config/placement.ts`).
 */
export const CLUSTER_ENTRY_KEY_SCOPE = {
  name: "environment",
  weight: "environment",
  kubernetesVersion: "cluster",
  cidr: "cluster",
  replaces: "environment",
  region: "cluster",
  roleArn: "cluster",
} as const satisfies Record<keyof ClusterConfig, KeyScope>;

type ClusterScoped<T extends Record<string, string>> = {
  [K in keyof T]: T[K] extends "cluster" ? K : never;
}[keyof T];

/** The environment's keys that are part of every cluster's settings. */
export type EnvironmentClusterKey = ClusterScoped<typeof ENVIRONMENT_KEY_SCOPE>;
/** The keys of a cluster entry that are part of that cluster's settings. */
export type ClusterEntryClusterKey = ClusterScoped<typeof CLUSTER_ENTRY_KEY_SCOPE>;

/** {@link EnvironmentClusterKey}, as values, in table order. */
export const ENVIRONMENT_CLUSTER_KEYS = clusterKeys(ENVIRONMENT_KEY_SCOPE);
/** {@link ClusterEntryClusterKey}, as values, in table order. */
export const CLUSTER_ENTRY_CLUSTER_KEYS = clusterKeys(CLUSTER_ENTRY_KEY_SCOPE);

function clusterKeys<T extends Record<string, string>>(table: T): ClusterScoped<T>[] {
  return (Object.keys(table) as (keyof T & string)[]).filter(
    (key): key is ClusterScoped<T> & string => table[key] === "cluster",
  );
}
