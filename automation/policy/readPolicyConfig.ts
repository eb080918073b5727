import * as fs from "node:fs";
import { UsageError } from "../exitCodes";
import { displayPath } from "../project";

/** Reads a `--policy-config` JSON file; no file, no config. */
export function readPolicyConfig(file: string | undefined): {
  policyConfig?: unknown;
  policyConfigSource?: string;
} {
  if (!file) return {};
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read policy config ${file}: ${(err as Error).message}`);
  }
  try {
    return {
      policyConfig: JSON.parse(text),
      policyConfigSource: `policy config ${displayPath(file)}`,
    };
  } catch (err) {
    throw new UsageError(
      `policy config ${file} is not valid JSON (${(err as Error).message}); write it like ` +
        `{"min-clusters": {"minClusters": 3}, "shared-state-outside-clusters": "mandatory"}`,
    );
  }
}
