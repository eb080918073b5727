import * as pulumi from "@pulumi/pulumi";
import { Environment } from "./components/environment";
import { ConfigError } from "./config/errors";
import { parseEnvironment, rawFromPulumiConfig } from "./config/load";

/**
 * The Pulumi program: reads the stack's `active-active:` config, validates it, builds the
 * environment and returns the stack outputs. `index.ts` runs it under `pulumi up`; `aa check` runs
 * the very same function under Pulumi's mock runtime.
 */
export async function main(): Promise<Record<string, unknown>> {
  const stack = pulumi.getStack();
  let env: Environment;
  try {
    const source = `stack "${stack}" (stacks/Pulumi.${stack}.yaml)`;
    const { config } = parseEnvironment(
      stack,
      rawFromPulumiConfig(pulumi.runtime.allConfig()),
      source,
    );
    env = new Environment(stack, { name: stack, config, source });
  } catch (err) {
    // A RunError is printed by the CLI as a message, without a stack trace.
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
  return {
    environment: stack,
    clusters: env.clusters,
    kubeconfigs: env.kubeconfigs,
  };
}
