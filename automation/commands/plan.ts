import Table from "cli-table3";
import type { Command } from "commander";
import type { PreviousState } from "../../config/rolloutState";
import { ExitCode, type ExitCodeValue } from "../exitCodes";
import { writeJson, type Io } from "../io";
import { manPage } from "./_help";
import { planRollout, stepSummary, checkClusterOrder } from "../rollout/plan";
import { readDeployedFromStack } from "../rollout/production";
import { oneMinorBelow } from "../rollout/simulate/simulation";
import { loadEnvironment, readDeployedFile, type LoadedEnvironment } from "../environment";
import { clusterList } from "./_options";

interface PlanOptions {
  stackFile?: string;
  deployed?: string;
  simulate?: boolean;
  order?: string[];
  json?: boolean;
}

/** `aa plan <env>`: the steps from the deployed state to the committed config. */
export function registerPlan(program: Command, io: Io, done: (code: ExitCodeValue) => void): void {
  const command = program
    .command("plan")
    .summary("show the cluster-by-cluster steps from the deployed state to the config")
    .description(
      "Compares the desired state (the committed stack config) with the deployed state (the stack's " +
        "outputs: each cluster's settings and generation, the hash of everything it runs) and prints " +
        "the ordered steps: one Kubernetes minor per pass, one cluster per step, clusters never more " +
        "than one minor apart. Each step is an upgrade (control plane, add-ons, nodes, network, " +
        "namespace, a service's port: drained first) or a release (workloads only).",
    )
    .argument("[env]", "environment name: reads <stackConfigDir>/Pulumi.<env>.yaml")
    .option("--stack-file <file>", "read this stack config file instead of an environment's")
    .option(
      "--deployed <file>",
      "read the deployed state from `pulumi stack output --json` saved in a file",
    )
    .option(
      "--simulate",
      "plan from a simulated deployed state: the config one Kubernetes minor below",
    )
    .option("--order <clusters>", "cluster order within each pass, e.g. c,a,b", clusterList)
    .option("--json", "print the plan as one JSON document");
  manPage(command, {
    examples: [
      ["aa plan prod", "steps from the stack's outputs to the committed config"],
      ["aa plan prod --deployed outputs.json --json", "from saved `pulumi stack output --json`"],
      ["aa plan dev --simulate", "from the config one Kubernetes minor below"],
    ],
    exitCodes: [
      [0, "plan printed"],
      [2, "invalid config or usage"],
      [5, "the change cannot be rolled out safely as asked (the message says why)"],
      [6, "the Pulumi stack could not be used"],
    ],
    seeAlso: ["aa rollout", "aa status"],
  });
  command.action(async (env: string | undefined, options: PlanOptions) => {
    const loaded = loadEnvironment(env, options.stackFile);
    checkClusterOrder(
      options.order,
      loaded.desired.map((d) => d.name),
    );
    const { previous, source } = await deployedState(loaded, options);
    // A PlanRefusal is reported with its exit code (5) by the CLI's one error lookup.
    const plan = planRollout(
      loaded.desired,
      previous.clusters ?? [],
      loaded.environment.config,
      options.order,
    );
    if (options.json) {
      writeJson(io, {
        environment: loaded.environment.name,
        deployedFrom: source,
        rollout: previous.rollout ?? null,
        done: plan.done,
        notes: plan.notes,
        steps: plan.steps.map((s) => ({
          ...stepSummary(s),
          fromGeneration: s.fromGeneration,
          toGeneration: s.toGeneration,
          to: { kubernetesVersion: s.to.kubernetesVersion, addons: s.to.addons },
          final: s.final,
        })),
      });
      return done(ExitCode.Ok);
    }
    const passes = new Set(plan.steps.map((s) => s.pass)).size;
    const lines = [
      `environment ${loaded.environment.name} (deployed state: ${source}): ` +
        (plan.steps.length === 0
          ? "nothing to roll out; every cluster is at its desired settings"
          : `${plan.steps.length} step(s) in ${passes} pass(es), one cluster at a time`),
    ];
    if (previous.rollout) {
      lines.push(
        `rollout ${previous.rollout.id} is ${previous.rollout.state}` +
          (previous.rollout.drained.length
            ? `; drained: ${previous.rollout.drained.join(", ")}`
            : "") +
          (previous.rollout.reason ? `; reason: ${previous.rollout.reason}` : ""),
      );
    }
    if (plan.steps.length > 0) {
      const table = new Table({
        head: ["step", "pass", "cluster", "kind", "generation", "changes"],
        style: { head: [], border: [] },
      });
      for (const s of plan.steps) {
        table.push([
          String(s.number),
          String(s.pass),
          s.cluster,
          s.replaces ? `${s.kind} (replaces ${s.replaces})` : s.kind,
          `${s.fromGeneration || "(new)"} -> ${s.kind === "remove" ? "(deleted)" : s.toGeneration}`,
          s.changes.join("\n"),
        ]);
      }
      lines.push(table.toString());
    }
    if (plan.done.length) lines.push(`already at desired settings: ${plan.done.join(", ")}`);
    plan.notes.forEach((n) => lines.push(`note: ${n}`));
    io.stdout(lines.join("\n") + "\n");
    done(ExitCode.Ok);
  });
}

async function deployedState(
  loaded: LoadedEnvironment,
  options: PlanOptions,
): Promise<{ previous: PreviousState; source: string }> {
  if (options.deployed)
    return { previous: readDeployedFile(options.deployed), source: options.deployed };
  if (options.simulate) {
    return {
      previous: { clusters: oneMinorBelow(loaded.desired, loaded.environment), rollout: null },
      source: "simulated, one Kubernetes minor below the config",
    };
  }
  return {
    previous: await readDeployedFromStack(loaded),
    source: `stack ${loaded.environment.name}`,
  };
}
