import * as fs from "node:fs";
import type { Command } from "commander";
import { ExitCode, UsageError, type ExitCodeValue } from "../exitCodes";
import { checkInputFile, readCapped } from "../inputFile";
import { writeJson, type Io } from "../io";
import { manPage } from "./_help";
import { typeOf, type BlastRadiusReport, type ClusterGraph } from "../blastRadius/steps";

// The graph sources are loaded on demand: a stack export does not need the program, the cloud
// SDKs or the config schemas.

interface BlastRadiusOptions {
  events?: string;
  state?: string;
  stackFile?: string;
  json?: boolean;
}

/** `aa blast-radius`: which clusters a previewed change touches. */
export function registerBlastRadius(
  program: Command,
  io: Io,
  done: (code: ExitCodeValue) => void,
): void {
  const command = program
    .command("blast-radius")
    .summary("which clusters a previewed change touches; exit 1 when more than one")
    .description(
      "Reads the steps of a real `pulumi preview` (its `--json` document, or the event log " +
        "`--event-log FILE` writes) and attributes each changed resource to a cluster, exactly " +
        "as `aa rollout`'s blast-radius guard does: by the resource graph (what is deployed, " +
        "from --state, else the environment's program evaluated offline), else the step's own " +
        "parent chain (children of remote components such as eks:index:Cluster), else its " +
        "provider. Default providers and internal engine steps touch no cluster; a default " +
        "Kubernetes provider is refused.",
    )
    .argument("[env]", "environment name: reads <stackConfigDir>/Pulumi.<env>.yaml")
    .requiredOption(
      "--events <file>",
      "`pulumi preview --json` output or a `--event-log` file; - reads stdin",
    )
    .option(
      "--state <file>",
      "the graph from a `pulumi stack export` (what is deployed) instead of the program",
    )
    .option("--stack-file <file>", "read this stack config file instead of an environment's")
    .option("--json", "print the result as one JSON document");
  manPage(command, {
    examples: [
      ["pulumi preview --json -s dev | aa blast-radius dev --events -", "a real preview of dev"],
      [
        "aa blast-radius prod --events preview.json --state prod-export.json",
        "against what is deployed",
      ],
      [
        "aa blast-radius dev --events ev.jsonl --json",
        "from `pulumi preview --event-log ev.jsonl`, as JSON",
      ],
    ],
    exitCodes: [
      [0, "the change touches at most one cluster, and every changed resource maps somewhere"],
      [1, "it touches more than one cluster, or a changed resource maps to nothing"],
      [2, "invalid input or usage"],
      [3, "internal error"],
    ],
    seeAlso: ["aa rollout", "aa plan", "aa check"],
  });
  command.action(async (env: string | undefined, options: BlastRadiusOptions) => {
    if (env && options.stackFile) {
      throw new UsageError("give an environment or --stack-file, not both");
    }
    if (options.state && options.stackFile) {
      throw new UsageError(
        "the graph comes from --state or from the program of --stack-file, not both",
      );
    }
    const { readSteps } = await import("../blastRadius/readSteps");
    const source = options.events === "-" ? "standard input" : (options.events as string);
    // Unreadable input is a StepsInputError: exit 2, reported by the CLI's one error lookup.
    const steps = readSteps(readText(options.events as string, "--events"), source);
    const { environment, graph, graphSource } = await loadGraph(env, options, io);
    const { mapSteps } = await import("../blastRadius/steps");
    const report = mapSteps(steps, graph);
    const code =
      report.clusters.length > 1 || report.unmapped.length > 0 ? ExitCode.Violations : ExitCode.Ok;
    if (options.json) {
      writeJson(io, {
        environment,
        clusters: report.clusters,
        environmentLevel: report.environmentLevel,
        unmapped: report.unmapped,
        changes: report.changes,
      });
    } else {
      io.stdout(renderReport(report, { environment, events: source, graph: graphSource }));
    }
    done(code);
  });
}

/** The resource graph to attribute steps against, and the environment's name. */
async function loadGraph(
  env: string | undefined,
  options: BlastRadiusOptions,
  io: Io,
): Promise<{ environment: string; graph: ClusterGraph; graphSource: string }> {
  const { clusterGraph } = await import("../blastRadius/graph");
  if (options.state) {
    if (options.state === "-" && options.events === "-") {
      throw new UsageError("--events and --state cannot both read standard input");
    }
    const { stateTarget } = await import("../check/stateTarget");
    const target = stateTarget(options.state);
    // What is wrong with the state but leaves one reading: said, and the attribution goes on.
    for (const w of target.integrity ?? []) io.stderr(`aa: warning: ${w.message}\n`);
    if (env && target.stack && env !== target.stack) {
      throw new UsageError(
        `--state ${options.state} is an export of stack "${target.stack}", not of environment "${env}"; pass that stack's export or drop the environment`,
      );
    }
    return {
      environment: env ?? target.stack,
      graph: clusterGraph(target.nodes, target.membership),
      graphSource: `deployed state ${target.source}`,
    };
  }
  if (!env && !options.stackFile) {
    throw new UsageError(
      "name the environment (e.g. `aa blast-radius dev --events preview.json`), or pass --stack-file FILE or --state EXPORT for the resource graph",
    );
  }
  const { loadEnvironment } = await import("../environment");
  const loaded = loadEnvironment(env, options.stackFile);
  if (!options.json && io.stderrIsTTY) io.stderr(`evaluating ${loaded.source} offline...\n`);
  const { evaluateStack } = await import("../offline/evaluate");
  const evaluation = await evaluateStack({
    project: loaded.project.name,
    stack: loaded.file.stack,
    config: loaded.file.config,
    source: loaded.source,
  });
  return {
    environment: loaded.environment.name,
    graph: clusterGraph(evaluation.resources, evaluation.membership),
    graphSource: `the program of ${loaded.source}, evaluated offline`,
  };
}

/** The largest `--events` read: about the longest string V8 holds. */
const EVENTS_MAX_BYTES = 512 * 1024 ** 2;

function readText(file: string, flag: string): string {
  if (file !== "-") checkInputFile(file, flag, EVENTS_MAX_BYTES);
  try {
    return file === "-"
      ? readCapped(0, `standard input (${flag} -)`, EVENTS_MAX_BYTES).toString("utf8")
      : fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "ENOENT"
        ? `${flag} ${file} does not exist; write it with \`pulumi preview --json > ${file}\``
        : `cannot read ${flag} ${file}: ${(err as Error).message}`,
    );
  }
}

/** The text report: what each cluster gets, what maps nowhere, and the verdict. */
export function renderReport(
  report: BlastRadiusReport,
  where: { environment: string; events: string; graph: string },
): string {
  const lines = [
    `blast radius of ${where.events} on ${where.environment} (resource graph: ${where.graph})`,
  ];
  const shown = (urn: string) => `${typeOf(urn)}::${urn.split("::").slice(3).join("::")}`;
  const list = (urns: string[]) => {
    urns.slice(0, 10).forEach((u) => lines.push(`    ${shown(u)}`));
    if (urns.length > 10) lines.push(`    ... and ${urns.length - 10} more`);
  };
  for (const cluster of report.clusters) {
    const mine = report.changes.filter(
      (c) => c.owner.kind === "cluster" && c.owner.cluster === cluster,
    );
    lines.push(`  cluster ${cluster}: ${mine.length} resource(s)`);
    list(mine.map((c) => `${c.urn} (${c.ops.join(", ")})`));
  }
  if (report.environmentLevel.length) {
    lines.push(`  environment-level: ${report.environmentLevel.length} resource(s)`);
    list(report.environmentLevel);
  }
  const plumbing = report.changes.filter((c) => c.owner.kind === "plumbing").length;
  if (plumbing) {
    lines.push(`  engine plumbing (default providers, the stack): ${plumbing}, touches no cluster`);
  }
  if (report.unmapped.length) {
    lines.push(`  maps to no cluster: ${report.unmapped.length} resource(s)`);
    for (const u of report.unmapped.slice(0, 10)) lines.push(`    ${shown(u.urn)}: ${u.reason}`);
    if (report.unmapped.length > 10) lines.push(`    ... and ${report.unmapped.length - 10} more`);
  }
  const n = report.clusters.length;
  if (report.unmapped.length > 0) {
    lines.push(
      `result: cannot tell which clusters this change touches (${report.unmapped.length} resource(s) map to no cluster); do not apply it as one step`,
    );
  } else if (n > 1) {
    lines.push(
      `result: touches ${n} clusters (${report.clusters.join(", ")}); a cluster-scoped change must reach one cluster at a time: use \`aa rollout ${where.environment}\``,
    );
  } else if (n === 1) {
    lines.push(`result: touches one cluster (${report.clusters[0]})`);
  } else {
    lines.push("result: touches no cluster");
  }
  return lines.join("\n") + "\n";
}
