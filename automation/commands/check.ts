import * as fs from "node:fs";
import { Option, type Command } from "commander";
import type { CheckTarget } from "../check/targets";
import { ExitCode, UsageError, type ExitCodeValue } from "../exitCodes";
import { writeJson, type Io } from "../io";
import { manPage } from "./_help";
import type { PolicyPackSession, PolicyRunResult } from "../policy/analyzerRunner";

// The rest is loaded on demand (`await import` below): `aa check --state` on a large export must
// not pay for the program, the cloud SDKs, the config schemas or the gRPC stack it does not use.

interface CheckOptions {
  stackFile?: string;
  state?: string;
  program?: string;
  json?: boolean;
  sarif?: string;
  policyPack?: string;
  policyPackConfig?: string;
  analyzer?: Analyzer;
  debug?: boolean;
}

/** How the policies are evaluated: by the pack over its gRPC protocol, or in this process. */
type Analyzer = "grpc" | "in-process";

/**
 * `aa check`: evaluate an environment offline (or a deployed stack's export) with the CrossGuard
 * policy pack, summarise it per cluster and list the violations.
 */
export function registerCheck(program: Command, io: Io, done: (code: ExitCodeValue) => void): void {
  const command = program
    .command("check")
    .summary("evaluate an environment offline with the policy pack; exit 1 on violations")
    .description(
      "Runs the environment's Pulumi program under Pulumi's mock runtime, with realistic cloud " +
        "answers and no credentials, records the complete resource graph (every resource with " +
        "its parent, provider, dependencies and the cluster it belongs to), and evaluates it with " +
        "the CrossGuard policy pack served exactly as `pulumi preview --policy-pack` serves it. " +
        "With --state, evaluates what is deployed instead: a `pulumi stack export` file or a " +
        "DIY backend's checkpoint (.pulumi/stacks/<project>/<stack>.json, plain or gzipped).",
    )
    .argument("[env]", "environment name: reads <stackConfigDir>/Pulumi.<env>.yaml")
    .option("--stack-file <file>", "read this stack config file instead of an environment's")
    .option(
      "--state <file>",
      "check a `pulumi stack export` file or a DIY-backend checkpoint (plain or gzipped); - reads stdin",
    )
    .option(
      "--program <file>",
      "evaluate this Pulumi program (a JavaScript module) instead of active-active's own",
    )
    .option("--json", "print the result as one JSON document")
    .option("--sarif <file>", "also write the violations as SARIF 2.1.0 (for code scanning)")
    .option(
      "--policy-pack <dir>",
      "evaluate with this CrossGuard policy pack, a directory with PulumiPolicy.yaml (default: the pack shipped with aa)",
    )
    .option(
      "--policy-pack-config <file>",
      "policy config JSON, as for `pulumi preview --policy-pack-config` (levels and thresholds)",
    )
    .addOption(
      new Option(
        "--analyzer <how>",
        "run the shipped pack's policies in-process (default) or serve the pack over gRPC as the Pulumi CLI does (default with --policy-pack)",
      ).choices(["in-process", "grpc"]),
    )
    .option(
      "--debug",
      "on a failure, also print its stack trace (a --program's error, or aa's own with exit 3)",
    );
  manPage(command, {
    examples: [
      ["aa check dev", "per-cluster summary and policy violations of dev"],
      ["aa check prod --json --sarif prod.sarif", "JSON report, and SARIF for code scanning"],
      ["aa check --stack-file ./Pulumi.qa.yaml", "a stack file anywhere"],
      ["pulumi stack export -s prod | aa check --state -", "audit what is deployed"],
      ["aa check --state prod.json --analyzer grpc", "the same, through the pack's gRPC protocol"],
      ["aa check --stack-file Pulumi.prod.yaml --program ./bin/index.js", "another team's program"],
      [
        "aa check --stack-file Pulumi.prod.yaml --program ./bin/index.js --debug",
        "the same; a failure with its trace",
      ],
    ],
    exitCodes: [
      [0, "ok (advisory findings allowed)"],
      [1, "mandatory policy violations, listed in the report"],
      [2, "invalid config, state file or usage, or a --program that fails"],
      [3, "internal error (a bug in aa: rerun with --debug and report it)"],
    ],
    seeAlso: ["aa plan", "aa status"],
  });
  command.action(async (env: string | undefined, options: CheckOptions) => {
    const analyzer = analyzerOf(options);
    const { target, session } = await resolveTarget(env, options, io, analyzer);
    const policies = await evaluate(target, options, session);
    const report = target.report(policies.violations);
    if (options.json) writeJson(io, report);
    else {
      const { renderCheckReport } = await import("../check/render");
      const { renderViolations } = await import("../check/renderViolations");
      if (target.stateFile) {
        const { describeStateFile } = await import("../stackExport/stateFile");
        io.stdout(`read ${target.source}: ${describeStateFile(target.stateFile)}\n`);
      }
      if (target.integrity?.length) {
        const { renderIntegrity } = await import("../check/renderIntegrity");
        io.stdout(renderIntegrity(target.integrity));
      }
      io.stdout(renderCheckReport(report, target.clusters, target.source));
      io.stdout(renderViolations(report.violations, policies.policies.length));
    }
    if (options.sarif) {
      const { buildSarif } = await import("../check/sarif");
      const { displayPath } = await import("../project");
      const sarif = buildSarif({
        violations: report.violations,
        policies: policies.policies,
        pack: policies.pack,
        nodes: target.nodes,
        stackFile: target.stackFile && {
          uri: displayPath(target.stackFile.path),
          text: target.stackFile.text,
        },
        stateFile: options.state && options.state !== "-" ? displayPath(options.state) : undefined,
        integrity: target.integrity,
        stack: target.stack,
      });
      try {
        fs.writeFileSync(options.sarif, JSON.stringify(sarif, null, 2) + "\n");
      } catch (err) {
        throw new UsageError(`cannot write SARIF to ${options.sarif}: ${(err as Error).message}`);
      }
    }
    const mandatory = report.violations.some((v) => v.level === "mandatory");
    done(mandatory ? ExitCode.Violations : ExitCode.Ok);
  });
}

/**
 * Evaluates the target with the policy pack: in this process by default (the shipped pack's own
 * policies, see `runPoliciesInProcess`: the same findings, without a pack process and the
 * protocol's cost), or, when a session is given (`--analyzer grpc`, or another pack), through the
 * pack's gRPC protocol exactly as the Pulumi CLI serves it. The session is closed here.
 */
async function evaluate(
  target: CheckTarget,
  options: CheckOptions,
  session: Promise<PolicyPackSession> | undefined,
): Promise<PolicyRunResult> {
  const running = session && (await session);
  try {
    const { readPolicyConfig } = await import("../policy/readPolicyConfig");
    const input = {
      nodes: target.nodes,
      membership: target.membership,
      project: target.project,
      stack: target.stack,
      stackConfig: target.stackConfig,
      packDir: options.policyPack,
      ...readPolicyConfig(options.policyPackConfig),
    };
    if (!running) {
      const { runPoliciesInProcess } = await import("../policy/inProcessRunner");
      return runPoliciesInProcess(input);
    }
    return await running.analyze(input);
  } finally {
    // Also when the policy config is refused: no pack process outlives the check.
    await running?.close();
  }
}

/** How to evaluate, from the flags; checked before any work, so a wrong combination fails fast. */
function analyzerOf(options: CheckOptions): Analyzer {
  if (options.analyzer === "in-process") {
    if (options.policyPack) {
      throw new UsageError(
        "--analyzer in-process runs the policies shipped with aa; another pack (--policy-pack) " +
          "runs through its gRPC protocol: use --analyzer grpc or drop --analyzer",
      );
    }
    return "in-process";
  }
  if (options.analyzer === "grpc") return "grpc";
  return options.policyPack ? "grpc" : "in-process";
}

/**
 * Starts the policy pack for a stack (`--analyzer grpc`, or another pack): for a program, while
 * the program is evaluated, so that the pack's start-up does not add to the program's time.
 */
async function startSession(
  options: CheckOptions,
  stack: { project: string; stack: string; stackConfig: Record<string, string> },
): Promise<PolicyPackSession> {
  const { PolicyPackSession } = await import("../policy/analyzerRunner");
  return PolicyPackSession.start({ packDir: options.policyPack, ...stack });
}

/** The target to check, and the pack session that evaluates it when it runs over gRPC. */
async function resolveTarget(
  env: string | undefined,
  options: CheckOptions,
  io: Io,
  analyzer: Analyzer,
): Promise<{ target: CheckTarget; session?: Promise<PolicyPackSession> }> {
  const given = [
    env && "an environment",
    options.stackFile && "--stack-file",
    options.state && "--state",
  ];
  const chosen = given.filter(Boolean);
  if (chosen.length > 1) {
    throw new UsageError(
      `give one of an environment, --stack-file or --state, not ${chosen.join(" and ")}`,
    );
  }
  if (chosen.length === 0) {
    throw new UsageError(
      "name an environment (e.g. `aa check dev`), or pass --stack-file FILE or --state FILE",
    );
  }
  if (options.state) {
    if (options.program)
      throw new UsageError("--program runs a program; it cannot be combined with --state");
    const { stateTarget } = await import("../check/stateTarget");
    const target = stateTarget(options.state);
    return { target, session: analyzer === "grpc" ? startSession(options, target) : undefined };
  }
  const { findProject, readEnvironmentStack, readStackFile } = await import("../project");
  const { foreignProgramTarget, programProject, programTarget } = await import("../check/targets");
  const { toPulumiConfig } = await import("../../config/load");
  const project = findProject();
  const file = options.stackFile
    ? readStackFile(options.stackFile)
    : readEnvironmentStack(project, env as string);
  const session =
    analyzer === "grpc"
      ? startSession(options, {
          project: options.program ? programProject(options.program) : project.name,
          stack: file.stack,
          stackConfig: toPulumiConfig(file.config),
        })
      : undefined;
  // A pack that fails to start while the program runs is reported when it is awaited.
  session?.catch(() => undefined);
  if (!options.json && io.stderrIsTTY) io.stderr(`evaluating ${file.path} offline...\n`);
  try {
    const target = await (options.program
      ? foreignProgramTarget(options.program, file, (line) => io.stderr(`aa: ${line}\n`))
      : programTarget(project, file));
    return { target, session };
  } catch (err) {
    // The program failed: the pack started for it is stopped, whatever became of it.
    await session?.then((s) => s.close()).catch(() => undefined);
    throw err;
  }
}
