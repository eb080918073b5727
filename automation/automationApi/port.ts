import type { DeployedState } from "./deployedState";
import type { OpCounts, ResourceChange, StackEvent } from "./events";
import type { Secret } from "./secret";

/** Options of {@link StackPort.getConfig} and {@link StackPort.removeConfig}. */
export interface ConfigKeyArgs {
  /**
   * The key is a path into a map or list, like `pulumi config --path`:
   * `active-active:clusters[1].weight`.
   * @default false (the key names one top-level config value)
   */
  path?: boolean;
}

/** Options of {@link StackPort.setConfig}. */
export interface SetConfigArgs extends ConfigKeyArgs {
  /**
   * Store the value encrypted with the stack's secrets provider.
   * @default false (stored as plain text in the stack file)
   */
  secret?: boolean;
}

/**
 * One config value. A secret value is wrapped, so it cannot be printed by accident; a plain value
 * is the string `pulumi config get` prints (for a map or list, its JSON).
 */
export type ConfigEntry =
  { secret: false; value: string } | { secret: true; value: Secret<string> };

/** Options of {@link StackPort.preview} and {@link StackPort.up}. */
export interface OperationArgs {
  /**
   * Called with each engine event as it arrives. A listener that throws does not stop the
   * operation; its first error is thrown once the operation has finished.
   * @default no listener (events are still collected for the result)
   */
  onEvent?: (event: StackEvent) => void;
  /**
   * Only these resource URNs (`--target`); the engine still reads every resource.
   * @default every resource in the program
   */
  targets?: readonly string[];
  /**
   * With `targets`: also the resources that depend on them (`--target-dependents`).
   * @default false
   */
  targetDependents?: boolean;
  /**
   * Refresh the state from the cloud first (`--refresh`), so drift shows up in the result.
   * @default false
   */
  refresh?: boolean;
  /**
   * Recorded with the operation in the stack's history, e.g. "aa rollout prod: cluster b".
   * @default none
   */
  message?: string;
  /**
   * Environment variables for this one operation (the program reads them), e.g. the rollout's
   * directive. Removed again when the operation ends. Never printed.
   * @default none
   */
  programEnv?: Record<string, string>;
}

/** What a preview would do. */
export interface PreviewResult {
  /** Every engine event of the preview, in order (the same ones `onEvent` received). */
  events: StackEvent[];
  /** Every resource the preview would change, with how; resources left as they are are absent. */
  changes: ResourceChange[];
  /** The engine's own count of steps per operation (`same` included). */
  counts: OpCounts;
}

/** What an update did. */
export interface UpResult {
  /** Every engine event of the update, in order (the same ones `onEvent` received). */
  events: StackEvent[];
  /** Every resource the update changed, with how. */
  changes: ResourceChange[];
  /** The engine's own count of steps per operation (`same` included). */
  counts: OpCounts;
  /** The deployed state after the update; undefined when the program exports nothing. */
  deployed: DeployedState | undefined;
  /**
   * Set when the update's engine events did not all arrive (the update itself succeeded): then
   * `changes` may be missing resources, and only `deployed` is to be trusted.
   */
  eventsIncomplete?: string;
}

/** Each cluster's kubeconfig (a secret) and region, by cluster name: see {@link StackPort.kubeAccess}. */
export interface KubeAccess {
  kubeconfigs: Secret<Record<string, string>>;
  regions: Record<string, string>;
}

/**
 * The one stack (environment) the rollout works on: its deployed state (outputs), its desired
 * state (config), and the two operations that move one towards the other. Production side:
 * {@link AutomationStack} (Pulumi Automation API, LocalWorkspace on this project).
 *
 * Every method fails with a {@link StackError}: {@link StackLockedError} when another Pulumi
 * operation holds the stack (never retried here), {@link StackCommandError} for any other failed
 * command, with its stderr and the engine's error diagnostics, secrets removed.
 */
export interface StackPort {
  /** The environment, i.e. the stack name. */
  readonly environment: string;
  /** The deployed state; undefined when the stack was never deployed (it has no outputs). */
  outputs(): Promise<DeployedState | undefined>;
  /**
   * Each cluster's kubeconfig, by cluster name, from the secret `kubeconfigs` output. The only way
   * to get at them; the value prints as "[secret]".
   */
  kubeconfigs(): Promise<Secret<Record<string, string>>>;
  /**
   * What reaching the clusters takes, from one read of the outputs: the kubeconfigs (as
   * {@link kubeconfigs}) and the AWS region of each cluster that the `clusters` output records
   * (none for outputs written before clusters had regions of their own).
   */
  kubeAccess(): Promise<KubeAccess>;
  /** One config value of the stack (desired state); undefined when it is not set. */
  getConfig(key: string, args?: ConfigKeyArgs): Promise<ConfigEntry | undefined>;
  /** Every config value of the stack, by full key (`active-active:clusters`). */
  getAllConfig(): Promise<Record<string, ConfigEntry>>;
  /**
   * Sets one config value in the stack's config file. With `path`, "true"/"false" and integers
   * are stored as booleans and numbers (as `pulumi config set --path` does).
   */
  setConfig(key: string, value: string, args?: SetConfigArgs): Promise<void>;
  /** Removes one config value from the stack's config file (`pulumi config rm`). */
  removeConfig(key: string, args?: ConfigKeyArgs): Promise<void>;
  /**
   * Previews an update: which resources would be created, updated, replaced or deleted. Fails
   * with {@link StackEventsIncompleteError} when the engine's events did not all arrive, because a
   * change-guard must never read a partial list as "nothing else changes".
   */
  preview(args?: OperationArgs): Promise<PreviewResult>;
  /** Runs the update (without a preview of its own) and returns what it changed. */
  up(args?: OperationArgs): Promise<UpResult>;
}
