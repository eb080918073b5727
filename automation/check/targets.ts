import * as fs from "node:fs";
import * as path from "node:path";
import type { ClusterSpec } from "../../config/clusters";
import { toPulumiConfig } from "../../config/load";
import { clusterMembership, type Membership } from "../../graph/membership";
import type { ResourceNode } from "../../graph/resourceGraph";
import { UsageError } from "../exitCodes";
import { summarizeLogs, type ProgramLog } from "../offline/programLog";
import { displayPath, findProject, type Project, type StackFile } from "../project";
import type { StateFileInfo } from "../stackExport/stateFile";
import type { IntegrityWarning } from "../stackExport/stateIntegrity";
import { ProgramError } from "./programError";
import { buildCheckReport, buildGraphReport, type CheckReport, type Violation } from "./report";

/** What `aa check` evaluates with the policy pack: a resource graph and where it came from. */
export interface CheckTarget {
  project: string;
  stack: string;
  /** What was checked, as shown to the user: a stack file or a state file. */
  source: string;
  nodes: ResourceNode[];
  membership: Membership;
  /** The stack config the pack is started with (flat, as the engine passes it). */
  stackConfig: Record<string, string>;
  /** The state file's form, when the check ran on one (`--state`). */
  stateFile?: StateFileInfo;
  /** For `--state`: what is wrong with the state that leaves the audit one reading. */
  integrity?: IntegrityWarning[];
  /** The stack config file, when the check ran on one (SARIF points at its lines). */
  stackFile?: { path: string; text: string };
  /** Each cluster's settings from the stack config; empty when the graph is all there is. */
  clusters: ClusterSpec[];
  report(violations: Violation[]): CheckReport;
}

/** A stack file evaluated with active-active's own program. */
export async function programTarget(project: Project, file: StackFile): Promise<CheckTarget> {
  const source = displayPath(file.path);
  // Loaded on demand: the program pulls in the cloud SDKs, which --state does not need.
  const { evaluateStack } = await import("../offline/evaluate");
  const evaluation = await evaluateStack({
    project: project.name,
    stack: file.stack,
    config: file.config,
    source,
  });
  return {
    project: project.name,
    stack: file.stack,
    source,
    nodes: evaluation.resources,
    membership: evaluation.membership,
    stackConfig: toPulumiConfig(file.config),
    stackFile: { path: file.path, text: fs.readFileSync(file.path, "utf8") },
    clusters: evaluation.clusters,
    report: (violations) => buildCheckReport(evaluation, violations),
  };
}

/**
 * The Pulumi project of a program (the nearest Pulumi.yaml above it). Refuses, as a usage error,
 * a program that does not exist or is not JavaScript.
 */
export function programProject(programFile: string): string {
  const entry = path.resolve(programFile);
  if (!fs.existsSync(entry)) throw new UsageError(`program ${programFile} does not exist`);
  if (!/\.(c?js)$/.test(entry)) {
    throw new UsageError(
      `program ${programFile} is not JavaScript; compile it first (e.g. \`npx tsc\`) and pass the .js file`,
    );
  }
  return findProject(path.dirname(entry)).name;
}

/**
 * A stack file evaluated with another Pulumi program (a JavaScript module, run as the Pulumi
 * CLI runs a program: its default export is called when it is a function), under the same mocks.
 * What the program logged is handed to `note`, a line per distinct message; however it fails is
 * one {@link ProgramError}.
 */
export async function foreignProgramTarget(
  programFile: string,
  file: StackFile,
  note: (line: string) => void = () => undefined,
): Promise<CheckTarget> {
  const entry = path.resolve(programFile);
  const project = { name: programProject(programFile) };
  const { runOffline } = await import("../offline/evaluate");
  const logs: ProgramLog[] = [];
  const run = await runOffline({
    project: project.name,
    stack: file.stack,
    config: file.config,
    program: async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- a program is a module
      const loaded: unknown = require(entry);
      const main = (loaded as { default?: unknown }).default ?? loaded;
      // A program is a function Pulumi calls with no arguments, or the outputs themselves.
      const outputs: unknown = typeof main === "function" ? (main as () => unknown)() : main;
      return (await outputs) as Record<string, unknown>;
    },
    onLog: (log) => logs.push(log),
  });
  for (const line of summarizeLogs(logs)) note(`program ${programFile}: ${line}`);
  if (run.error !== undefined) throw new ProgramError(programFile, run.error);
  const membership = clusterMembership(run.resources);
  return {
    project: project.name,
    stack: file.stack,
    source: displayPath(file.path),
    nodes: run.resources,
    membership,
    stackConfig: toPulumiConfig(file.config),
    stackFile: { path: file.path, text: fs.readFileSync(file.path, "utf8") },
    clusters: [],
    report: (violations) => buildGraphReport(file.stack, run.resources, membership, violations),
  };
}
