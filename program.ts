import * as pulumi from "@pulumi/pulumi";
import { Environment } from "./components/environment";
import { planClusters } from "./config/clusters";
import { resolveEffective, RolloutRefusal } from "./config/effective";
import { ConfigError } from "./config/errors";
import { parseEnvironment, rawFromPulumiConfig, rawFromStackConfig } from "./config/load";
import { SecretConfigError, secretsFromEngine, secretsFromStackFile } from "./config/secretEnv";
import { findProject, readEnvironmentStack } from "./automation/project";
import { fenceAfter } from "./config/rolloutFence";
import {
  DIRECTIVE_ENV,
  FENCE_OUTPUT,
  parseDirective,
  parsePreviousState,
  type PreviousState,
} from "./config/rolloutState";

/**
 * The Pulumi program: reads the stack's `active-active:` config, validates it, reads back what
 * the last deployment left (its own stack outputs), decides which clusters may move in this
 * update, builds the environment and returns the stack outputs. `index.ts` runs it under
 * `pulumi up`; `aa check` runs the very same function under Pulumi's mock runtime.
 */
export async function main(): Promise<Record<string, unknown>> {
  const stack = pulumi.getStack();
  const source = `stack "${stack}" (stacks/Pulumi.${stack}.yaml)`;
  try {
    const secrets = readSecretEnv(rawFromPulumiConfig(pulumi.runtime.allConfig()), stack);
    const { config } = parseEnvironment(stack, secrets.raw, source);
    const previous = await readPreviousState();
    const directive = parseDirective(process.env[DIRECTIVE_ENV]);
    // Before anything is registered: an update of a rollout that lost the race changes nothing.
    const lock = fenceAfter(previous.lock, directive?.lock);
    const effective = resolveEffective(planClusters(config), previous, directive);
    effective.notes.forEach((note) => void pulumi.log.warn(note));
    const env = new Environment(stack, {
      name: stack,
      config,
      source,
      clusters: effective.specs,
      secrets: secrets.values,
    });
    return {
      environment: stack,
      clusters: env.clusters,
      kubeconfigs: env.kubeconfigs,
      rollout: effective.rollout,
      ...(lock ? { [FENCE_OUTPUT]: lock } : {}),
    };
  } catch (err) {
    // A RunError is printed by the CLI as a message, without a stack trace.
    if (
      err instanceof ConfigError ||
      err instanceof RolloutRefusal ||
      err instanceof SecretConfigError
    ) {
      throw new pulumi.RunError(err.message);
    }
    throw err;
  }
}

/** Whether the engine passed config key `key` as a secret (the SDK's own check). */
function isConfigSecret(key: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const config = require("@pulumi/pulumi/runtime/config") as {
    isConfigSecret?: (k: string) => boolean;
  };
  return config.isConfigSecret?.(key) ?? false;
}

/**
 * The services' secret env values. Offline (`aa check`, a stack file as written) they are their
 * `{secure}` form, which cannot be decrypted there: a secret placeholder stands in. Under
 * `pulumi up` the engine passes them decrypted and marks only `active-active:services` secret;
 * the stack file (`<project>/<stackConfigDir>/Pulumi.<stack>.yaml`) says which values they are.
 */
function readSecretEnv(raw: Record<string, unknown>, stack: string) {
  const offline = secretsFromStackFile(raw, () => pulumi.secret("[secret]"));
  if (offline.values.size > 0) return offline;
  const servicesSecret = isConfigSecret("active-active:services");
  if (!servicesSecret) return offline;
  const root = pulumi.runtime.getRootDirectory() || process.cwd();
  let fileRaw: Record<string, unknown> | undefined;
  let source = `the stack file of ${stack}`;
  try {
    const file = readEnvironmentStack(findProject(root), stack);
    source = file.path;
    fileRaw = rawFromStackConfig(file.config);
  } catch {
    // No stack file to read: the error below says where secrets are read.
  }
  return secretsFromEngine(raw, fileRaw, servicesSecret, (v) => pulumi.secret(v), source);
}

/**
 * The previous deployment's outputs, through a StackReference to this very stack (the pattern of
 * pulumi/pulumi#3722): the deployed settings of every cluster, the rollout record, and the
 * lease of the rollout that made the last directed update (the fence).
 */
async function readPreviousState(): Promise<PreviousState> {
  const name = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
  const self = new pulumi.StackReference("deployed-state", { name });
  const [clusters, rollout, lock] = await Promise.all([
    self.getOutputDetails("clusters"),
    self.getOutputDetails("rollout"),
    self.getOutputDetails(FENCE_OUTPUT),
  ]);
  return parsePreviousState(clusters.value, rollout.value, lock.value);
}
