import type { ClusterSettings } from "./clusters";
import type { DeployedCluster } from "./rolloutState";

/**
 * Where a cluster runs: its AWS region and the role (so the account) everything of it is created
 * with (`clusters[].region`, `clusters[].roleArn`). They are part of the cluster's settings, but
 * unlike every other setting they cannot change for a deployed cluster: a cluster's resources
 * live in its region and account, so a change would replace every one of them at once (the
 * cluster, its nodes, its load balancers and the traffic they serve), which is not a step one
 * cluster at a time can take. A cluster moves by adding a new cluster where it should run, one
 * that `replaces` the old one, which is then ramped down and removed.
 */
export const PLACEMENT_KEYS = [
  "region",
  "roleArn",
] as const satisfies readonly (keyof ClusterSettings)[];

export type PlacementKey = (typeof PLACEMENT_KEYS)[number];

/** A deployed cluster whose config moves it to another region or account. */
export interface PlacementChange {
  cluster: string;
  /** Its position in the config's cluster list, for the field to edit. */
  index: number;
  key: PlacementKey;
  /** As deployed; undefined: the environment's own AWS provider (the stack's `aws:region`). */
  deployed: string | undefined;
  /** As the config (or the rollout directive) says. */
  desired: string | undefined;
  /** The region the deployed cluster runs in, as its outputs say, when they say. */
  deployedRegion?: string;
}

/**
 * Every change of where a deployed cluster runs, comparing each desired cluster's `region` and
 * `roleArn` with what its deployment recorded (`clusters[].settings`). A key the deployment did
 * not record is unset there: outputs written before clusters could have a region of their own
 * were all deployed on the environment's own provider. Setting a key to the value it defaults to
 * is a change too, since the cluster's resources would move from the environment's AWS provider
 * to one of the cluster's own. Clusters not deployed yet are free to go anywhere. Pure.
 */
export function placementChanges(
  desired: readonly { name: string; settings: Pick<ClusterSettings, PlacementKey> }[],
  deployed: readonly DeployedCluster[],
): PlacementChange[] {
  const byName = new Map(deployed.map((d) => [d.name, d]));
  return desired.flatMap((d, index) => {
    const dep = byName.get(d.name);
    if (!dep) return [];
    return PLACEMENT_KEYS.flatMap((key): PlacementChange[] => {
      const was = dep.settings?.[key];
      const now = d.settings[key];
      if (was === now) return [];
      return [
        {
          cluster: d.name,
          index,
          key,
          deployed: was,
          desired: now,
          ...(dep.region ? { deployedRegion: dep.region } : {}),
        },
      ];
    });
  });
}

/** Why an update or a plan with these changes is refused, and how to move a cluster instead. */
export function placementRefusal(changes: readonly PlacementChange[]): string {
  const quote = (v: string) => `"${v}"`;
  const moves = changes.map((c) => {
    const field = `clusters[${c.index}].${c.key}`;
    if (c.key === "region") {
      const was =
        c.deployed !== undefined
          ? quote(c.deployed)
          : `the stack's aws:region${c.deployedRegion ? ` (${c.deployedRegion})` : ""}`;
      const now = c.desired !== undefined ? quote(c.desired) : "the stack's aws:region (unset)";
      return `cluster "${c.cluster}" runs in ${was}, but ${field} now puts it in ${now}`;
    }
    const was =
      c.deployed !== undefined ? `role ${quote(c.deployed)}` : "the environment's own credentials";
    const now =
      c.desired !== undefined
        ? `role ${quote(c.desired)}`
        : "the environment's own credentials (unset)";
    return `cluster "${c.cluster}" is deployed with ${was}, but ${field} now says ${now}`;
  });
  const restore = changes.map((c) =>
    c.deployed !== undefined
      ? `set clusters[${c.index}].${c.key} back to ${quote(c.deployed)}`
      : `remove clusters[${c.index}].${c.key}`,
  );
  const first = changes[0]?.cluster ?? "a";
  return (
    `${moves.join("; ")}. Where a deployed cluster runs (its AWS region and account) cannot change: ` +
    "every resource of the cluster (control plane, nodes, load balancers) would be replaced at once, with its share " +
    "of the traffic, which is no step one cluster at a time can take. To move a cluster, add a new cluster in the " +
    `new region or account that replaces it (\`replaces: ${first}\`), let \`aa rollout\` ramp it up, and remove ` +
    `"${first}" afterwards. To keep it where it runs, ${restore.join(" and ")}.`
  );
}
