import * as fs from "node:fs";
import { UsageError } from "../exitCodes";

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
    // Loaded here, not at the top: ../project reads YAML, which `aa check --state` does not need.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { displayPath } = require("../project") as typeof import("../project");
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
