import * as pulumi from "@pulumi/pulumi";
import { Environment } from "./components/environment";
import { planClusters } from "./config/clusters";
import { resolveEffective, RolloutRefusal } from "./config/effective";
import { ConfigError } from "./config/errors";
import { parseEnvironment, rawFromPulumiConfig } from "./config/load";
import {
  DIRECTIVE_ENV,
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
    const { config } = parseEnvironment(
      stack,
      rawFromPulumiConfig(pulumi.runtime.allConfig()),
      source,
    );
    const previous = await readPreviousState();
    const effective = resolveEffective(
      planClusters(config),
      previous,
      parseDirective(process.env[DIRECTIVE_ENV]),
    );
    effective.notes.forEach((note) => void pulumi.log.warn(note));
    const env = new Environment(stack, { name: stack, config, source, clusters: effective.specs });
    return {
      environment: stack,
      clusters: env.clusters,
      kubeconfigs: env.kubeconfigs,
      rollout: effective.rollout,
    };
  } catch (err) {
    // A RunError is printed by the CLI as a message, without a stack trace.
    if (err instanceof ConfigError || err instanceof RolloutRefusal) {
      throw new pulumi.RunError(err.message);
    }
    throw err;
  }
}

/**
 * The previous deployment's outputs, through a StackReference to this very stack (the pattern of
 * pulumi/pulumi#3722): the deployed settings of every cluster, and the rollout record.
 */
async function readPreviousState(): Promise<PreviousState> {
  const name = `${pulumi.getOrganization()}/${pulumi.getProject()}/${pulumi.getStack()}`;
  const self = new pulumi.StackReference("deployed-state", { name });
  const [clusters, rollout] = await Promise.all([
    self.getOutputDetails("clusters"),
    self.getOutputDetails("rollout"),
  ]);
  return parsePreviousState(clusters.value, rollout.value);
}
