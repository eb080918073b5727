import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";

/**
 * The environment variable naming the file that holds the stack's config, for a pack `aa check`
 * starts (`automation/policy/packProcess.ts`). The Pulumi CLI passes the config in PULUMI_CONFIG
 * instead; one environment variable is limited to 128 KiB on Linux (a large services list failed
 * with E2BIG), a file is not.
 */
export const STACK_CONFIG_FILE_ENV = "AA_PACK_STACK_CONFIG_FILE";

/**
 * Gives the pack's runtime the stack config from the file {@link STACK_CONFIG_FILE_ENV} names,
 * as the CLI's PULUMI_CONFIG would. Does nothing when it is not set (under the Pulumi CLI).
 */
export function loadStackConfigFile(env: NodeJS.ProcessEnv): void {
  const file = env[STACK_CONFIG_FILE_ENV];
  if (!file) return;
  const config = JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, string>;
  pulumi.runtime.setAllConfig(config);
}
