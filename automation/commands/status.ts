import Table from "cli-table3";
import type { Command } from "commander";
import { deployedSettings } from "../../config/effective";
import type { PreviousState } from "../../config/rolloutState";
import { ExitCode, type ExitCodeValue } from "../exitCodes";
import { writeJson, type Io } from "../io";
import { manPage } from "./_help";
import type { ClusterHealth, GateOutcome, MetricGates } from "../rollout/ports";
import { productionMetrics } from "../rollout/productionMetrics";
import {
  metricFails,
  readMetricStatus,
  renderMetricStatus,
  type MetricStatus,
} from "./_statusMetrics";
import { CapacityGate } from "../capacity/drainGate";
import { readCapacity } from "../capacity/liveCapacity";
import { ClusterTargets, GateHealth, openStack } from "../rollout/production";
import { loadEnvironment, readDeployedFile, type LoadedEnvironment } from "../environment";

interface StatusOptions {
  stackFile?: string;
  deployed?: string;
  health: boolean;
  json?: boolean;
}

/** Where one cluster stands in the rollout. */
type ClusterRolloutState = "done" | "pending" | "drained" | "changing" | "soaking";

/** The `aa status --json` document. */
export interface StatusReport {
  environment: string;
  rollout: PreviousState["rollout"];
  lock: { heldBy: string; since: string | null } | null;
  /**
   * The fence: the lease of the rollout that made the last directed update (stack output
   * `rolloutLock`), which a rollout must hold or replace to update the stack. Null when the
   * outputs hold none.
   */
  fence: { id: string; by: string; pid: number | null; since: string | null } | null;
  clusters: {
    name: string;
    weight: number;
    /** Percent of its configured weight it serves: below 100 while its traffic ramps. */
    ramp: number;
    /** The AWS region it runs in, as the outputs record it; null for outputs that do not. */
    region: string | null;
    kubernetesVersion: string;
    addons: { vpcCni: string; coredns: string; kubeProxy: string };
    generation: string;
    desiredGeneration: string | null;
    rolloutState: ClusterRolloutState;
    health: { ok: boolean; gates: GateOutcome[] } | null;
    /**
     * Each metric gate read once on this cluster, against the median of the other clusters
     * serving. Null when not checked (`--no-health`, `--deployed`, or no metric gates).
     */
    metrics: MetricStatus[] | null;
    /**
     * This cluster's free capacity, and whether the other clusters could absorb its share if it
     * were drained now (what the rollout checks before a drain). Null when not checked.
     */
    capacity: {
      headroom: { cpuMilli: number; memoryMiB: number } | null;
      drainable: boolean;
      problems: string[];
    } | null;
  }[];
}

/** `aa status <env>`: each cluster's deployed state, health and rollout state. */
export function registerStatus(
  program: Command,
  io: Io,
  done: (code: ExitCodeValue) => void,
): void {
  const command = program
    .command("status")
    .summary(
      "show each cluster's version, add-ons, generation, weight, health, metric gates and rollout state",
    )
    .argument("[env]", "environment name: reads <stackConfigDir>/Pulumi.<env>.yaml")
    .option("--stack-file <file>", "read this stack config file instead of an environment's")
    .option(
      "--deployed <file>",
      "read the deployed state from `pulumi stack output --json` (no health)",
    )
    .option("--no-health", "do not run the health gates")
    .option("--json", "print the status as one JSON document");
  manPage(command, {
    examples: [
      ["aa status prod", "outputs, rollout, lock, live health and headroom"],
      ["aa status prod --json --no-health", "the deployed state only, as JSON"],
      ["aa status prod --deployed outputs.json", "from saved `pulumi stack output --json`"],
    ],
    exitCodes: [
      [0, "every cluster healthy (or health not checked)"],
      [1, "a cluster fails a health gate, or a metric gate reads beyond its limit or not at all"],
      [2, "invalid config or usage"],
      [6, "the Pulumi stack could not be used"],
    ],
    seeAlso: ["aa plan", "aa rollout"],
  });
  command.action(async (env: string | undefined, options: StatusOptions) => {
    const loaded = loadEnvironment(env, options.stackFile);
    const report = options.deployed
      ? await buildStatus(loaded, readDeployedFile(options.deployed), null, undefined, undefined)
      : await liveStatus(loaded, options.health);
    if (options.json) writeJson(io, report);
    else io.stdout(renderStatus(report));
    const unhealthy = report.clusters.some(
      (c) => (c.health && !c.health.ok) || c.metrics?.some(metricFails),
    );
    done(unhealthy ? ExitCode.Violations : ExitCode.Ok);
  });
}

async function liveStatus(loaded: LoadedEnvironment, withHealth: boolean): Promise<StatusReport> {
  const stack = await openStack(loaded);
  const deployed = await stack.outputs();
  const holder = await stack.rolloutLock().inspect();
  const lock = holder ? { heldBy: holder.by, since: holder.since?.toISOString() ?? null } : null;
  const previous = {
    clusters: deployed?.clusters ?? [],
    rollout: deployed?.rollout ?? null,
    lock: deployed?.rolloutLock ?? null,
  };
  if (!withHealth || !deployed) return buildStatus(loaded, previous, lock, undefined, undefined);
  const targets = new ClusterTargets(loaded, stack, () => deployed);
  const reads = new Map<string, ReturnType<typeof readCapacity>>();
  const read: typeof readCapacity = (target, opts) => {
    if (!reads.has(target.name)) reads.set(target.name, readCapacity(target, opts));
    return reads.get(target.name)!;
  };
  const gate = new CapacityGate(targets, read);
  const capacity = async (cluster: string): Promise<CapacityView> => {
    const target = await targets.target(cluster);
    const own = typeof target === "string" ? undefined : await read(target);
    const assessment = await gate.assess(cluster);
    return {
      headroom: own?.ok && own.observed ? own.observed.headroom : null,
      drainable: typeof assessment !== "string" && assessment.ok,
      problems: typeof assessment === "string" ? [assessment] : assessment.problems,
    };
  };
  const metrics = productionMetrics(
    loaded,
    (c) => targets.target(c),
    () => deployed,
  );
  try {
    return await buildStatus(
      loaded,
      previous,
      lock,
      new GateHealth(targets),
      capacity,
      metrics.metrics,
    );
  } finally {
    metrics.close();
  }
}

type CapacityView = NonNullable<StatusReport["clusters"][number]["capacity"]>;

/** The status report from the deployed state, the lock and (optionally) live health. */
export async function buildStatus(
  loaded: LoadedEnvironment,
  previous: PreviousState,
  lock: StatusReport["lock"],
  health: ClusterHealth | undefined,
  capacity: ((cluster: string) => Promise<CapacityView>) | undefined,
  metrics?: MetricGates,
): Promise<StatusReport> {
  const record = previous.rollout ?? null;
  const clusters = await Promise.all(
    (previous.clusters ?? []).map(async (c) => {
      const desired = loaded.desired.find((d) => d.name === c.name);
      // What it runs, with settings an earlier version did not record taken from the config, as
      // the program and `aa plan` take them.
      const generation =
        (desired && deployedSettings(c, desired.settings)?.generation) ?? c.generation;
      const state: ClusterRolloutState = record?.drained.includes(c.name)
        ? record.state === "in-progress" &&
          record.current === c.name &&
          record.currentTarget !== undefined &&
          record.currentTarget !== generation
          ? "changing"
          : "drained"
        : record?.soaking === c.name
          ? "soaking"
          : desired && desired.generation === generation && (c.ramp ?? 100) === 100
            ? "done"
            : "pending";
      const gates = health ? await health.check(c.name) : undefined;
      const room = capacity ? await capacity(c.name) : null;
      const read =
        metrics && metrics.gates.length > 0 ? await readMetricStatus(metrics, c.name) : null;
      return {
        name: c.name,
        weight: c.weight,
        ramp: c.ramp ?? 100,
        region: c.region ?? null,
        kubernetesVersion: c.kubernetesVersion,
        addons: c.addons,
        generation,
        desiredGeneration: desired?.generation ?? null,
        rolloutState: state,
        health: gates ? { ok: gates.every((g) => g.ok), gates } : null,
        capacity: room,
        metrics: read,
      };
    }),
  );
  const f = previous.lock;
  const fence = f ? { id: f.id, by: f.by, pid: f.pid ?? null, since: f.since ?? null } : null;
  return { environment: loaded.environment.name, rollout: record, lock, fence, clusters };
}

/** The report for people: a table of the clusters, their metric gates, the rollout and the lock. */
export function renderStatus(report: StatusReport): string {
  const lines = [`environment ${report.environment}`];
  if (report.clusters.length === 0) {
    lines.push("not deployed yet: `pulumi up` creates it");
    return lines.join("\n") + "\n";
  }
  // Where each cluster runs, once the outputs record it.
  const regions = report.clusters.some((c) => c.region !== null);
  const table = new Table({
    head: [
      "cluster",
      "weight",
      ...(regions ? ["region"] : []),
      "kubernetes",
      "vpc-cni",
      "coredns",
      "kube-proxy",
      "generation",
      "rollout",
      "health",
    ],
    style: { head: [], border: [] },
  });
  for (const c of report.clusters) {
    const failed = c.health?.gates.filter((g) => !g.ok) ?? [];
    table.push([
      c.name,
      c.ramp < 100 ? `${c.weight} (${c.ramp}%)` : String(c.weight),
      ...(regions ? [c.region ?? "-"] : []),
      c.kubernetesVersion,
      c.addons.vpcCni,
      c.addons.coredns,
      c.addons.kubeProxy,
      c.desiredGeneration && c.desiredGeneration !== c.generation
        ? `${c.generation} -> ${c.desiredGeneration}`
        : c.generation,
      c.rolloutState,
      c.health === null
        ? "not checked"
        : c.health.ok
          ? `ok (${c.health.gates.length} gates)`
          : `${failed[0].gate}: ${failed[0].detail}`,
    ]);
  }
  lines.push(table.toString(), ...renderMetricStatus(report.clusters));
  const r = report.rollout;
  lines.push(
    r
      ? `rollout ${r.id}: ${r.state}, started ${r.startedAt} by ${r.startedBy}` +
          (r.drained.length ? `; drained: ${r.drained.join(", ")}` : "") +
          (r.reason ? `\n  reason: ${r.reason}` : "")
      : "no rollout in progress",
  );
  lines.push(
    report.lock
      ? `rollout lock: held by ${report.lock.heldBy} since ${report.lock.since ?? "?"}`
      : "rollout lock: free",
  );
  if (report.fence) {
    const f = report.fence;
    lines.push(
      `rollout fence: the last directed update was by ${f.by}` +
        `${f.pid !== null ? ` (pid ${f.pid})` : ""}${f.since ? ` since ${f.since}` : ""}, lease ${f.id}`,
    );
  }
  return lines.join("\n") + "\n";
}
