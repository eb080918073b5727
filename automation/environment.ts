import * as fs from "node:fs";
import { planClusters, type ClusterSpec } from "../config/clusters";
import { parseEnvironment, rawFromStackConfig, type Environment } from "../config/load";
import { parsePreviousState, RolloutRefusal, type PreviousState } from "../config/rolloutState";
import { UsageError } from "./exitCodes";
import { checkInputFile, readCapped } from "./inputFile";
import {
  displayPath,
  findProject,
  readEnvironmentStack,
  readStackFile,
  type Project,
  type StackFile,
} from "./project";

/** An environment as a command sees it: where it came from, validated, and its desired clusters. */
export interface LoadedEnvironment {
  project: Project;
  file: StackFile;
  /** The stack file's path, for messages. */
  source: string;
  environment: Environment;
  desired: ClusterSpec[];
}

/** Reads and validates `<env>` (or `--stack-file FILE`). Throws UsageError / ConfigError. */
export function loadEnvironment(
  env: string | undefined,
  stackFile: string | undefined,
): LoadedEnvironment {
  if (env && stackFile) throw new UsageError("give an environment or --stack-file, not both");
  if (!env && !stackFile) {
    throw new UsageError("name an environment (e.g. `dev`) or pass --stack-file FILE");
  }
  const project = findProject();
  const file = stackFile ? readStackFile(stackFile) : readEnvironmentStack(project, env as string);
  const source = displayPath(file.path);
  const environment = parseEnvironment(file.stack, rawFromStackConfig(file.config), source);
  return { project, file, source, environment, desired: planClusters(environment.config) };
}

/** The largest `--deployed` file read: stack outputs are kilobytes. */
const DEPLOYED_MAX_BYTES = 64 * 1024 ** 2;

/**
 * Reads a deployed state from a file holding `pulumi stack output --json` (the `clusters` and
 * `rollout` outputs; secrets may show as "[secret]", they are not used), or `aa check --json`
 * (the outputs the program exports under the mocks).
 */
export function readDeployedFile(file: string): PreviousState {
  let text: string;
  if (file !== "-") checkInputFile(file, "--deployed", DEPLOYED_MAX_BYTES);
  try {
    text =
      file === "-"
        ? readCapped(0, "standard input (--deployed -)", DEPLOYED_MAX_BYTES).toString("utf8")
        : fs.readFileSync(file, "utf8");
  } catch (err) {
    throw new UsageError(`cannot read --deployed ${file}: ${(err as Error).message}`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new UsageError(
      `--deployed ${file} is not JSON (${(err as Error).message}); write it with \`pulumi stack output --json > FILE\``,
    );
  }
  // `aa check --json` carries the outputs the program exports under the mocks.
  if (isCheckReport(doc)) doc = doc.outputs;
  if (!doc || typeof doc !== "object" || !Array.isArray((doc as { clusters?: unknown }).clusters)) {
    throw new UsageError(
      `--deployed ${file} has no "clusters" list; it must hold \`pulumi stack output --json\` of an active-active stack (or \`aa check <env> --json\`)`,
    );
  }
  const outputs = doc as { clusters: unknown; rollout?: unknown; rolloutLock?: unknown };
  try {
    return parsePreviousState(outputs.clusters, outputs.rollout ?? null, outputs.rolloutLock);
  } catch (err) {
    if (err instanceof RolloutRefusal) throw new UsageError(`--deployed ${file}: ${err.message}`);
    throw err;
  }
}

function isCheckReport(doc: unknown): doc is { outputs: unknown } {
  return (
    typeof doc === "object" &&
    doc !== null &&
    Array.isArray((doc as { resources?: unknown }).resources) &&
    typeof (doc as { outputs?: unknown }).outputs === "object"
  );
}
