import * as fs from "node:fs";
import { performance } from "node:perf_hooks";
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import type { Command } from "commander";
import { ExitCode, UsageError, type ExitCodeValue } from "../exitCodes";
import { writeJson, type Io } from "../io";
import { clusterAccessFromStack } from "../kube/clusterAccess";
import { readCurrentContext } from "../kube/currentContext";
import { fanOut, type ClusterResult, type KubectlOutcome } from "../kube/fanOut";
import {
  inferEnvironment,
  selectClusters,
  type EnvironmentChoice,
  type EnvironmentFacts,
  type SelectedStack,
} from "../kube/inference";
import { kubeconfigPrecedence } from "../kube/kubeconfigPaths";
import { findKubectl, KubectlProcess } from "../kube/kubectlProcess";
import {
  inOrder,
  prefixedLines,
  renderGroup,
  renderSummary,
  type KubectlReport,
} from "../kube/render";
import { RunKubeconfigs } from "../kube/runKubeconfigs";
import { readSelectedStack } from "../kube/selectedStack";
import { classifyKubectlArgs, readsStdin } from "../kube/verbs";
import { findProject, listEnvironments } from "../project";
import { Redactor } from "../redact/redactor";
import { AutomationStack } from "../automationApi/automationStack";

/** aa kubectl's options (before `--`). */
export interface KubectlOptions {
  /** `--cluster NAME|all`. */
  cluster?: string;
  /** `--all-clusters`. */
  allClusters?: boolean;
  /** `--parallel`. */
  parallel?: boolean;
  /** `--json`. */
  json?: boolean;
}

/** What `aa kubectl` needs from its surroundings; production: the process. */
export interface KubectlDeps {
  io: Io;
  /** The environment kubectl runs with; also KUBECONFIG/HOME (the current context), PATH and AA_KUBECTL (which kubectl). */
  env: NodeJS.ProcessEnv;
  /** @default process.cwd() */
  cwd?: string;
  /** The Pulumi project. @default the nearest Pulumi.yaml at or above cwd */
  projectDir?: string;
  /** @default the `pulumi` on PATH */
  pulumiCommand?: PulumiCommand;
  /** The clock for durations, in milliseconds. @default performance.now */
  now?: () => number;
  /** Reads this process's stdin (for `-f -`). @default fd 0 */
  stdin?: () => string;
  /** Stops the runs (SIGINT/SIGTERM in production). */
  signal?: AbortSignal;
  /** Where the per-run kubeconfigs go. @default os.tmpdir() */
  tmpdir?: string;
}

/** `aa kubectl [env] -- <kubectl args>`: kubectl on every cluster, grouped output and a summary. */
export function registerKubectl(
  program: Command,
  io: Io,
  done: (code: ExitCodeValue) => void,
): void {
  program
    .command("kubectl")
    .summary("run kubectl on every cluster of an environment, output grouped per cluster")
    .description(
      "Runs the kubectl on PATH (or $AA_KUBECTL) once per cluster, each with that cluster's own " +
        "kubeconfig from the stack outputs (a private temporary file, removed afterwards). " +
        "Read-only verbs run on every cluster at once; a verb that may change a cluster runs on " +
        "one cluster, or on all with --all-clusters, one at a time. Without <env>, the " +
        "environment comes from the current kube context if it is one of ours (<env>-<cluster>), " +
        "else from the selected Pulumi stack; aa says on stderr what it inferred. Everything " +
        "after -- goes to kubectl.",
    )
    .usage("[options] [env] -- <kubectl arguments...>")
    .argument("[env]", "environment name; inferred when left out")
    .argument("[kubectl-args...]", "kubectl's arguments, after --")
    .option("--cluster <name>", "run on this cluster only, or `all`")
    .option("--all-clusters", "run on every cluster; required for a verb that may change them")
    .option("--parallel", "with --all-clusters: run a changing verb on every cluster at once")
    .option("--json", "print one JSON document with each cluster's exit code, duration and output")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  aa kubectl dev -- get pods -A                        # every cluster of dev, in parallel",
        "  aa kubectl -- get nodes                              # environment inferred (see stderr)",
        "  aa kubectl prod --cluster b -- rollout restart deploy/web -n apps",
        "  aa kubectl prod --all-clusters -- apply -f web.yaml  # a, then b, then c; stops at a failure",
        "  aa kubectl prod -- logs -f deploy/web -n apps        # lines prefixed with the context",
        "  aa kubectl dev --json -- get deploy -n apps -o name  # one JSON document",
        "",
        "Verbs:",
        "  read-only    get, describe, logs, top, events, explain, version, api-resources, diff, wait,",
        "               auth can-i, rollout status/history, any --dry-run=client|server: every cluster",
        "               at once",
        "  mutating     apply, delete, scale, patch, rollout restart, exec, ... and unknown verbs: one",
        "               cluster, or every cluster with --all-clusters, one at a time (--parallel: at once)",
        "  interactive  edit, attach, port-forward, proxy, exec/run/debug -i/-t: one cluster, on the",
        "               terminal",
        "",
        "Exit codes:",
        "  0  kubectl succeeded on every selected cluster",
        "  1  it failed, was stopped or was skipped on at least one cluster (see the summary)",
        "  2  invalid usage, nothing run: no --, a refused verb or flag, a mutating verb on several",
        "     clusters without --all-clusters, an unknown environment or cluster, no kubectl",
        "  6  the stack cannot be used (not deployed, Pulumi CLI failure)",
        "",
        "See also: aa kubeconfig",
      ].join("\n"),
    )
    .action(async (env: string | undefined, rest: string[], options: KubectlOptions) => {
      const { environment, args } = splitOperands(program, env, rest);
      // The first Ctrl-C stops the runs (kubectl gets it from the terminal too) and still prints
      // the summary; a second one exits at once (the runs' kubeconfigs are removed on exit).
      const controller = new AbortController();
      const stop = () => {
        if (controller.signal.aborted) process.exit(130);
        controller.abort();
      };
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
      try {
        done(
          await runKubectl(environment, args, options, {
            io,
            env: process.env,
            signal: controller.signal,
          }),
        );
      } finally {
        process.off("SIGINT", stop);
        process.off("SIGTERM", stop);
      }
    });
}

/** How the results are shown. */
type OutputMode = "groups" | "lines" | "terminal" | "json";

/**
 * Runs kubectl on the selected clusters of the environment and reports; resolves to aa's exit
 * code: 0 when kubectl succeeded on every cluster, 1 when it failed or was skipped on any.
 * Usage problems throw a {@link UsageError}, stack problems a StackError.
 */
export async function runKubectl(
  given: string | undefined,
  args: readonly string[],
  options: KubectlOptions,
  deps: KubectlDeps,
): Promise<ExitCodeValue> {
  const { io } = deps;
  const command = classifyKubectlArgs(args);
  if (options.json && command.class === "interactive") {
    throw new UsageError(`--json cannot be used with kubectl ${command.verb}: ${command.why}`);
  }
  const cwd = deps.cwd ?? process.cwd();
  const project = findProject(deps.projectDir ?? cwd);
  const environments = listEnvironments(project);
  const { context, problem } = readCurrentContext(
    kubeconfigPrecedence(deps.env, cwd, deps.env.HOME),
  );
  const choice = await chooseEnvironment({ given, environments, context }, async () => {
    if (problem) io.stderr(`aa: the current kube context is unknown: ${problem}\n`);
    return readSelectedStack({ projectDir: project.dir, pulumiCommand: deps.pulumiCommand });
  });
  if (choice.note) io.stderr(`aa: ${choice.note}\n`);
  const environment = choice.environment;

  const stack = await AutomationStack.open({
    environment,
    projectDir: project.dir,
    pulumiCommand: deps.pulumiCommand,
  });
  const { kubeconfigs, regions } = await stack.kubeAccess();
  const access = clusterAccessFromStack(environment, kubeconfigs.reveal(), regions);
  const selection = selectClusters({
    environment,
    clusters: access.map((a) => a.cluster),
    cluster: options.cluster,
    allClusters: Boolean(options.allClusters),
    parallel: Boolean(options.parallel),
    command,
    context,
    environments,
  });
  io.stderr(`aa: ${selection.note}\n`);

  const kubectl = new KubectlProcess(findKubectl(deps.env), deps.env);
  const stdin =
    command.class !== "interactive" && readsStdin(args)
      ? (deps.stdin ?? (() => fs.readFileSync(0, "utf8")))()
      : undefined;
  const selected = access.filter((a) => selection.clusters.includes(a.cluster));
  // Every credential of the kubeconfigs handed to kubectl is cut from its output, should anything
  // echo one; the rest is the user's own data, shown as the cluster has it (no credential shapes).
  const redactor = new Redactor({ shapes: false });
  for (const a of selected) {
    redactor.rememberFields(a.userEntry);
    redactor.rememberFields(a.clusterEntry);
  }
  const clean = redactor.redact;
  const mode: OutputMode = options.json
    ? "json"
    : command.class === "interactive"
      ? "terminal"
      : command.streams
        ? "lines"
        : "groups";
  const showGroup = inOrder((result: ClusterResult) => {
    const group = renderGroup(result);
    io.stdout(group.stdout);
    if (group.stderr) io.stderr(group.stderr);
  });

  const files = RunKubeconfigs.create(selected, deps.tmpdir);
  const dispose = () => files.dispose();
  process.on("exit", dispose); // even when a second Ctrl-C ends the process mid-run
  let results: ClusterResult[];
  try {
    results = await fanOut({
      targets: selected.map((a) => ({ cluster: a.cluster, context: a.context })),
      parallel: selection.parallel,
      stopOnFailure: selection.stopOnFailure,
      now: deps.now ?? (() => performance.now()),
      signal: deps.signal,
      run: async (target): Promise<KubectlOutcome> => {
        const lines =
          mode === "lines"
            ? {
                stdout: prefixedLines(target.context, (text) => io.stdout(text), clean),
                stderr: prefixedLines(target.context, (text) => io.stderr(text), clean),
              }
            : undefined;
        const outcome = await kubectl.run({
          ...target,
          kubeconfig: files.fileOf(target.cluster),
          args,
          stdio: mode === "terminal" ? "terminal" : "capture",
          stdin,
          onOutput: lines && ((stream, text) => lines[stream].push(text)),
          signal: deps.signal,
        });
        lines?.stdout.flush();
        lines?.stderr.flush();
        return { ...outcome, stdout: clean(outcome.stdout), stderr: clean(outcome.stderr) };
      },
      onResult: (result, index) => {
        if (mode === "groups") showGroup(result, index);
      },
    });
  } finally {
    process.off("exit", dispose);
    files.dispose();
  }

  const code = results.every((r) => r.status === "succeeded") ? ExitCode.Ok : ExitCode.Violations;
  if (mode === "json") {
    const report: KubectlReport = {
      environment,
      environmentFrom: choice.source,
      args: [...args],
      verb: command.verb,
      verbClass: command.class,
      parallel: selection.parallel,
      clusters: results.map((r) => ({
        cluster: r.cluster,
        context: r.context,
        status: r.status,
        exitCode: r.exitCode,
        signal: r.signal,
        durationMs: r.durationMs,
        stdout: r.stdout,
        stderr: r.stderr,
        ...(r.reason ? { reason: r.reason } : {}),
      })),
      exitCode: code,
    };
    writeJson(io, report);
  } else if (mode === "terminal") {
    const r = results[0];
    if (r.status !== "succeeded") {
      io.stderr(
        `aa: kubectl on ${r.context} ${r.reason ?? `exited with ${r.exitCode ?? r.signal}`}\n`,
      );
    }
  } else {
    io.stdout(`\n${renderSummary(results)}`);
  }
  return code;
}

/** The environment from the facts, looking up the selected Pulumi stack only when they need it. */
async function chooseEnvironment(
  facts: EnvironmentFacts,
  selectedStack: () => Promise<SelectedStack>,
): Promise<EnvironmentChoice> {
  const first = inferEnvironment(facts);
  if (!("lookUp" in first)) return first;
  const second = inferEnvironment({ ...facts, selectedStack: await selectedStack() });
  if ("lookUp" in second) throw new Error("inferEnvironment asked again for the selected stack");
  return second;
}

/**
 * Splits aa's operands into the environment and kubectl's arguments. Commander hands over the
 * operands on both sides of `--` as one list; kubectl's arguments are exactly the words after the
 * first `--` that follows `kubectl` on the command line (so `aa kubectl -- get pods` has no
 * environment, and `aa kubectl dev -- get pods` has one).
 */
export function splitOperands(
  program: Command,
  env: string | undefined,
  rest: string[],
): { environment: string | undefined; args: string[] } {
  const raw = (program as unknown as { rawArgs: string[] }).rawArgs;
  const start = raw.indexOf("kubectl");
  const dashes = raw.indexOf("--", start + 1);
  if (start < 0 || dashes < 0) {
    throw new UsageError(
      "put kubectl's arguments after --, e.g. `aa kubectl dev -- get pods -A` " +
        "(or `aa kubectl -- get pods -A` to infer the environment)",
    );
  }
  const after = raw.length - dashes - 1;
  const operands = env === undefined ? [] : [env, ...rest];
  if (operands.length === after) return { environment: undefined, args: operands };
  if (operands.length === after + 1) return { environment: operands[0], args: operands.slice(1) };
  throw new UsageError(
    `aa kubectl takes at most one environment before --; got ${operands
      .slice(0, operands.length - after)
      .join(" ")}`,
  );
}
