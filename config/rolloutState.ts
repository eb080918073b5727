import { z } from "zod";
import { AaError, ExitCode } from "../errors/aaError";
import type { ClusterSettings } from "./clusters";
import { clusterSchema, environmentSchema } from "./schema";

/**
 * The state a cluster-by-cluster rollout keeps in the stack itself, so that it survives crashes,
 * other machines and plain `pulumi up` runs:
 *  - the deployed settings of every cluster (stack output `clusters[].settings`), so a cluster can
 *    be held at them while another cluster moves;
 *  - the rollout record (stack output `rollout`): which clusters are drained and why.
 * `aa rollout` steers one update at a time with a {@link Directive} passed to the program in the
 * {@link DIRECTIVE_ENV} environment variable; everything durable is in the outputs.
 */

/** The update would break the cluster-by-cluster rule; the message says what to run instead. */
export class RolloutRefusal extends AaError {
  readonly exit = ExitCode.Refused;
  readonly code = "AA_ROLLOUT_REFUSED";
}

/** Environment variable through which `aa rollout` steers one `pulumi preview`/`up`. */
export const DIRECTIVE_ENV = "AA_ROLLOUT_DIRECTIVE";

// The config's own field schemas, without their top-level defaults: a key missing from recorded
// settings must stay missing (and be completed from the desired settings), never become "apps"
// or no services.
const env = environmentSchema.shape;
const settingsShape = {
  kubernetesVersion: env.kubernetesVersion,
  addons: env.addons,
  kyverno: env.kyverno,
  nodeGroup: env.nodeGroup,
  network: env.network.unwrap(),
  apiAccess: env.apiAccess.unwrap(),
  access: env.access,
  namespace: env.namespace.unwrap(),
  services: env.services.unwrap(),
  cidr: clusterSchema.shape.cidr,
  region: clusterSchema.shape.region,
  roleArn: clusterSchema.shape.roleArn,
} satisfies Record<keyof ClusterSettings, z.ZodType>;

/**
 * A cluster's settings (see `ClusterSettings`), validated with the config's own field schemas.
 * The `satisfies` above and the type below keep it in step with `ClusterSettings`, which is
 * derived from the classification of every config key.
 */
export const clusterSettingsSchema: z.ZodType<ClusterSettings> = z.object(settingsShape);

/**
 * Settings as an earlier deployment recorded them: a deployment by an earlier version of this
 * program has none of the keys added to `ClusterSettings` since, so every key may be missing
 * (`deployedSettings` in config/effective.ts takes them from the desired settings). Keys that
 * are there are validated, and nested defaults added since are filled in.
 */
export const recordedSettingsSchema: z.ZodType<Partial<ClusterSettings>> = z
  .object(settingsShape)
  .partial();

/** A cluster as the last deployment left it (an element of the `clusters` stack output). */
export const deployedClusterSchema = z.object({
  name: z.string(),
  weight: z.number(),
  endpoint: z.string().optional(),
  kubernetesVersion: z.string(),
  addons: z.object({ vpcCni: z.string(), coredns: z.string(), kubeProxy: z.string() }),
  kyvernoVersion: z.string().optional(),
  generation: z.string(),
  /**
   * The settings it was deployed with. Absent in outputs written before settings were exported;
   * without the keys added since in outputs of earlier versions.
   */
  settings: recordedSettingsSchema.optional(),
  ingress: z.record(z.string(), z.string()).default({}),
  /** Route 53 health check id per public hostname. */
  healthChecks: z.record(z.string(), z.string()).optional(),
  /**
   * The share of its configured weight the cluster was deployed with, in percent: below 100
   * while `aa rollout` ramps a new cluster up or a removed one down, 0 for a new cluster no
   * rollout has ramped yet. Absent in outputs of earlier versions: 100.
   */
  ramp: z.number().int().min(0).max(100).optional(),
  /** The weight the config gave the cluster when it was deployed (its full share). */
  configuredWeight: z.number().int().min(0).max(255).optional(),
  /**
   * The AWS region the cluster runs in: its own `region`, else the stack's `aws:region`. Absent
   * in outputs written before clusters could run in regions of their own, or when neither is set.
   */
  region: z.string().optional(),
  /**
   * The EKS cluster's own name (with the suffix Pulumi adds), what CloudWatch Container Insights
   * calls `ClusterName`. Absent in outputs of earlier versions.
   */
  eksClusterName: z.string().optional(),
});
export type DeployedCluster = z.output<typeof deployedClusterSchema>;

/** A rollout in progress or halted (the `rollout` stack output). */
export const rolloutRecordSchema = z.object({
  /** Unique id of this rollout. */
  id: z.string(),
  startedAt: z.string(),
  /** Who started it, e.g. "alice@ci-runner-7". */
  startedBy: z.string(),
  /** Generation each cluster is being moved to. */
  target: z.record(z.string(), z.string()),
  /** Clusters held at weight 0 by the rollout (never more than one). */
  drained: z.array(z.string()),
  state: z.enum(["in-progress", "halted"]),
  /** The cluster being changed, if any. */
  current: z.string().optional(),
  /** The generation `current` is being moved to in this step. */
  currentTarget: z.string().optional(),
  /** A cluster that was put back into service and must hold healthy for the soak window. */
  soaking: z.string().optional(),
  /** Why the rollout halted. */
  reason: z.string().optional(),
  /**
   * The kinds of step this rollout takes. With "release" the clusters run different workload
   * versions until it finishes, which `workload-on-all-clusters` accepts meanwhile.
   */
  kinds: z.array(z.enum(["upgrade", "release", "add", "remove"])).optional(),
  /**
   * Clusters removed from the config that `aa rollout` has drained and released for deletion:
   * the only deployed clusters an update may delete.
   */
  released: z.array(z.string()).optional(),
});
export type RolloutRecord = z.output<typeof rolloutRecordSchema>;

/**
 * A rollout lease as the fence records it (the `rolloutLock` stack output): which rollout made
 * the last directed update. See `config/rolloutFence.ts`.
 */
export const fenceSchema = z.strictObject({
  /** The lease's unique id (the lock record's id). */
  id: z.string().min(1),
  /** Who holds it: `user@host`. */
  by: z.string(),
  /** The process on that host. */
  pid: z.number().int().optional(),
  /** When the lock was taken (ISO time). */
  since: z.string().optional(),
});
export type Fence = z.output<typeof fenceSchema>;

/** The stack output that records the fence. */
export const FENCE_OUTPUT = "rolloutLock";

/** What a directed update claims: its lease, and the fence it found when it took the lock. */
export const fenceClaimSchema = fenceSchema.extend({
  /**
   * The id of the fence the stack held when this rollout took the lock (null: none). That lease
   * had given the lock back, or an operator removed it (`--force-unlock`); this rollout may
   * replace it. Any other lease means another rollout updated the stack since: refused.
   */
  replaces: z.string().nullable(),
});
export type FenceClaim = z.output<typeof fenceClaimSchema>;

/** What one `aa rollout` update asks the program to do. */
export const directiveSchema = z.strictObject({
  /** The one cluster that moves in this update, and the settings it moves to. */
  advance: z.strictObject({ cluster: z.string(), settings: clusterSettingsSchema }).optional(),
  /** Clusters at weight 0 in this update. */
  drained: z.array(z.string()),
  /**
   * A cluster whose traffic ramp moves in this update, and the percent of its configured weight
   * it gets. Every other cluster keeps the ramp it was deployed with.
   */
  ramp: z
    .strictObject({ cluster: z.string(), percent: z.number().int().min(0).max(100) })
    .optional(),
  /** The rollout record to keep in the stack; null clears it (the rollout finished). */
  record: rolloutRecordSchema.nullable(),
  /**
   * The lease of the rollout that runs this update, checked against the stack's fence
   * (`config/rolloutFence.ts`). Absent in directives of earlier versions: the fence is kept.
   */
  lock: fenceClaimSchema.optional(),
});
export type Directive = z.output<typeof directiveSchema>;

/** The directive as the program reads it: its environment variable. */
export function directiveEnv(directive: Directive): Record<string, string> {
  return { [DIRECTIVE_ENV]: JSON.stringify(directive) };
}

/** The previous deployment's outputs that the program reads back. */
export interface PreviousState {
  clusters?: DeployedCluster[];
  rollout?: RolloutRecord | null;
  /** The lease of the rollout that made the last directed update (`rolloutLock`). */
  lock?: Fence | null;
}

/** Parses the directive from the environment; undefined when none is set. Throws on bad JSON. */
export function parseDirective(text: string | undefined): Directive | undefined {
  if (text === undefined || text === "") return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new RolloutRefusal(
      `${DIRECTIVE_ENV} is not JSON; it is set by \`aa rollout\`, unset it to run pulumi by hand`,
    );
  }
  const parsed = directiveSchema.safeParse(raw);
  if (!parsed.success) {
    throw new RolloutRefusal(
      `${DIRECTIVE_ENV} is not a valid rollout directive (${parsed.error.issues[0]?.message}); it is set by \`aa rollout\`, unset it to run pulumi by hand`,
    );
  }
  return parsed.data;
}

/** Parses the previous deployment's `clusters` and `rollout` outputs. Throws on a bad shape. */
export function parsePreviousState(
  clusters: unknown,
  rollout: unknown,
  lock?: unknown,
): PreviousState {
  const c = z
    .array(deployedClusterSchema)
    .optional()
    .safeParse(clusters ?? undefined);
  const r = rolloutRecordSchema
    .nullable()
    .optional()
    .safeParse(rollout ?? undefined);
  const l = fenceSchema
    .nullable()
    .optional()
    .safeParse(lock ?? undefined);
  if (!c.success || !r.success || !l.success) {
    throw new RolloutRefusal(
      `the stack's previous outputs \`clusters\`/\`rollout\`/\`${FENCE_OUTPUT}\` are not in the shape this program writes; ` +
        "was the stack deployed by another program?",
    );
  }
  return { clusters: c.data, rollout: r.data, ...(l.data ? { lock: l.data } : {}) };
}
