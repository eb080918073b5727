import * as fs from "node:fs";
import * as path from "node:path";
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import type { Command } from "commander";
import YAML from "yaml";
import { ExitCode, UsageError, type ExitCodeValue } from "../exitCodes";
import { writeJson, type Io } from "../io";
import { clusterAccessFromStack } from "../kube/clusterAccess";
import { serializeKubeconfig } from "../kube/kubeconfigDoc";
import { readKubeconfigFile, writeKubeconfigFile } from "../kube/kubeconfigFile";
import { kubeconfigDestination, kubeconfigPrecedence, tildify } from "../kube/kubeconfigPaths";
import { planMerge, type MergePlan } from "../kube/merge";
import { applyMergeToDocument } from "../kube/documentMerge";
import { AutomationStack } from "../automationApi/automationStack";
import { findProject } from "../project";

interface KubeconfigOptions {
  out?: string;
  use?: string;
  force?: boolean;
  json?: boolean;
}

/** The `aa kubeconfig --json` document. Names and servers only: never a credential. */
export interface KubeconfigSummary {
  environment: string;
  /** The file written (absolute). */
  file: string;
  contexts: { context: string; cluster: string; server: string }[];
  /** Contexts of this environment removed because their cluster is gone. */
  removed: string[];
  /** Entries aa did not write, replaced because of --force. */
  replaced: string[];
  currentContext: { before: string | null; after: string | null; changed: boolean };
}

/** What `aa kubeconfig` needs from its surroundings; production: the process. */
export interface KubeconfigDeps {
  io: Io;
  /** KUBECONFIG and HOME decide the file. */
  env: NodeJS.ProcessEnv;
  /** @default process.cwd() */
  cwd?: string;
  /** The Pulumi project. @default the nearest Pulumi.yaml at or above cwd */
  projectDir?: string;
  /** @default the `pulumi` on PATH */
  pulumiCommand?: PulumiCommand;
}

/** `aa kubeconfig <env>`: one context per cluster, from the stack outputs, merged into a kubeconfig. */
export function registerKubeconfig(
  program: Command,
  io: Io,
  done: (code: ExitCodeValue) => void,
): void {
  program
    .command("kubeconfig")
    .summary("write a kube context per cluster (<env>-<cluster>) from the stack outputs")
    .description(
      "Writes one context per cluster of the environment, named <env>-<cluster>, from the " +
        "stack's kubeconfigs output, into the kubeconfig kubectl uses: the first existing file " +
        "of $KUBECONFIG, else its first file, else ~/.kube/config (or --out FILE). The " +
        "environment's earlier contexts are replaced; everything else in the file, the current " +
        "context included, stays as it is. Written atomically with mode 0600. Prints the " +
        "contexts written, never a credential.",
    )
    .argument("<env>", "environment name (a stack with a file stacks/Pulumi.<env>.yaml)")
    .option("--out <file>", "write to (merge into) this file instead of kubectl's kubeconfig")
    .option("--use <cluster>", "also make this cluster's context the current context")
    .option("--force", "replace entries with our names that aa kubeconfig did not write")
    .option("--json", "print a JSON summary")
    .addHelpText(
      "after",
      [
        "",
        "Examples:",
        "  aa kubeconfig dev                                         # dev-a, dev-b, ... into ~/.kube/config",
        "  aa kubeconfig prod --use a                                # and switch to prod-a",
        "  aa kubeconfig staging --out ./staging.kubeconfig --use a  # a file of its own",
        "",
        "Exit codes:",
        "  0  written",
        "  2  invalid input: unknown environment or --use cluster, an unreadable kubeconfig, a name",
        "     conflict without --force, the kubeconfig locked by another writer",
        "  6  the stack cannot be used (not deployed, Pulumi CLI failure, unusable kubeconfigs output)",
        "",
        "See also: aa kubectl",
      ].join("\n"),
    )
    .action(async (env: string, options: KubeconfigOptions) => {
      const summary = await writeKubeconfig(env, options, { io, env: process.env });
      if (options.json) writeJson(io, summary);
      else io.stdout(renderKubeconfigSummary(summary, Boolean(options.out), process.env.HOME));
      done(ExitCode.Ok);
    });
}

/** Reads the environment's kubeconfigs from its stack and merges them into the kubeconfig file. */
export async function writeKubeconfig(
  environment: string,
  options: KubeconfigOptions,
  deps: KubeconfigDeps,
): Promise<KubeconfigSummary> {
  if (options.out === "-") {
    throw new UsageError("--out - would print credentials; give a file name");
  }
  const cwd = deps.cwd ?? process.cwd();
  const stack = await AutomationStack.open({
    environment,
    projectDir: deps.projectDir ?? findProject(cwd).dir,
    ...(deps.pulumiCommand ? { pulumiCommand: deps.pulumiCommand } : {}),
  });
  const { kubeconfigs, regions } = await stack.kubeAccess();
  const access = clusterAccessFromStack(environment, kubeconfigs.reveal(), regions);

  const file = options.out
    ? path.resolve(cwd, options.out)
    : kubeconfigDestination(kubeconfigPrecedence(deps.env, cwd, deps.env.HOME), fs.existsSync);
  const where = tildify(file, deps.env.HOME);
  const existing = readKubeconfigFile(file, where);
  const plan: MergePlan = planMerge(existing?.config ?? {}, {
    environment,
    access,
    where,
    ...(options.use !== undefined ? { use: options.use } : {}),
    ...(options.force ? { force: true } : {}),
  });
  const document = existing?.document ?? new YAML.Document({});
  applyMergeToDocument(document, plan);
  writeKubeconfigFile(file, serializeKubeconfig(document), where);
  return {
    environment,
    file,
    contexts: plan.written,
    removed: plan.removed,
    replaced: plan.replacedForeign,
    currentContext: {
      before: plan.currentBefore || null,
      after: plan.currentAfter || null,
      changed: plan.currentBefore !== plan.currentAfter,
    },
  };
}

/** What `aa kubeconfig` prints: the contexts written and the current context; never a credential. */
export function renderKubeconfigSummary(
  s: KubeconfigSummary,
  out: boolean,
  home: string | undefined,
): string {
  const where = tildify(s.file, home);
  const width = Math.max(...s.contexts.map((c) => c.context.length));
  const lines = [
    `wrote ${s.contexts.length} context(s) of ${s.environment} to ${where} (mode 0600):`,
    ...s.contexts.map((c) => `  ${c.context.padEnd(width)}  ${c.server}`),
  ];
  for (const name of s.removed)
    lines.push(`removed ${name}: its cluster is no longer in ${s.environment}`);
  if (s.replaced.length) {
    lines.push(
      `replaced entries aa kubeconfig had not written (--force): ${s.replaced.join(", ")}`,
    );
  }
  const { before, after, changed } = s.currentContext;
  if (changed && after) lines.push(`current context: ${after} (was ${before ?? "none"})`);
  else if (changed) lines.push(`current context: none (it was ${before}, which is removed)`);
  else if (after) lines.push(`current context: ${after} (unchanged)`);
  else {
    lines.push(
      `current context: none set; pick one with \`kubectl config use-context ${s.contexts[0].context}\`` +
        ` or \`aa kubeconfig ${s.environment} --use ${s.contexts[0].cluster}\``,
    );
  }
  if (out)
    lines.push(
      `use it with: KUBECONFIG=${where} kubectl --context ${s.contexts[0].context} get nodes`,
    );
  return lines.join("\n") + "\n";
}
