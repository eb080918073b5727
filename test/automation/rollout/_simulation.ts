import * as assert from "node:assert/strict";
import { evaluateStack, type Evaluation } from "../../../automation/offline/evaluate";
import type { RolloutEvent } from "../../../automation/rollout/events";
import {
  runRollout,
  type RolloutOptions,
  type RolloutOutcome,
} from "../../../automation/rollout/orchestrator";
import type { ClusterHealth, MetricGates, RolloutStack } from "../../../automation/rollout/ports";
import type { Fault } from "../../../automation/rollout/simulate/faults";
import { isSimulatedCrash } from "../../../automation/rollout/simulate/simulatedCrash";
import { createSimulation, type Simulation } from "../../../automation/rollout/simulate/simulation";
import { parseEnvironment, type Environment } from "../../../config/load";
import type { DeployedCluster } from "../../../config/rolloutState";
import { planClusters } from "../../../config/clusters";
import {
  deployedFrom,
  environmentFixture,
  serviceFixture,
  stackConfigFixture,
} from "../../_fixtures";

/**
 * One environment evaluated once per test file (the program's URNs for the simulated stack). Its
 * service autoscales, so the other clusters can absorb a drained one, as in a real setup.
 */
export async function simulatedEnvironment(
  overrides: Record<string, unknown> = {},
): Promise<{ environment: Environment; evaluation: Evaluation }> {
  const raw = environmentFixture({
    services: [serviceFixture({ autoscaling: { maxReplicas: 4 } })],
    ...overrides,
  });
  const environment = parseEnvironment("sim", raw, "test");
  const evaluation = await evaluateStack({
    project: "active-active",
    stack: "sim",
    config: stackConfigFixture(raw),
    source: "test",
  });
  return { environment, evaluation };
}

/** What a simulated run did. */
export interface Run {
  outcome: RolloutOutcome | "crashed";
  events: RolloutEvent[];
}

/** Runs the orchestrator once on a simulation; a simulated crash ends the run, like a kill. */
export async function runOnce(
  sim: Simulation,
  environment: Environment,
  more: {
    stack?: RolloutStack;
    health?: ClusterHealth;
    /** The metric gates. @default the simulation's (simulated metrics) */
    metrics?: MetricGates | null;
    options?: Partial<RolloutOptions>;
  } = {},
): Promise<Run> {
  const events: RolloutEvent[] = [];
  try {
    const outcome = await runRollout(
      {
        stack: more.stack ?? sim.stack,
        health: more.health ?? sim.health,
        blastRadius: sim.blastRadius,
        lock: sim.lock,
        clock: sim.clock,
        emit: (e) => events.push(e),
        drainGates: [sim.capacity],
        isProcessDeath: isSimulatedCrash,
        ...(more.metrics === null
          ? {}
          : (more.metrics ?? sim.metrics)
            ? { metrics: (more.metrics ?? sim.metrics)! }
            : {}),
      },
      {
        environment: environment.name,
        desired: sim.desired,
        config: environment.config,
        soakSeconds: 120,
        healthTimeoutSeconds: 600,
        pollSeconds: 15,
        drainSeconds: 30,
        startedBy: "test@sim",
        ...more.options,
      },
    );
    return { outcome, events };
  } catch (err) {
    if (isSimulatedCrash(err)) {
      sim.lock.forceUnlock(); // the operator removes the dead rollout's lock
      return { outcome: "crashed", events };
    }
    throw err;
  }
}

/** A simulation with faults, from the environment's default starting point or `deployed`. */
export function simulation(
  env: {
    environment: Environment;
    evaluation: Evaluation;
    leaving?: Pick<Evaluation, "resources" | "membership">;
  },
  faults: Fault[] = [],
  deployed?: DeployedCluster[],
): Simulation {
  return createSimulation({ ...env, faults, deployed, startedBy: "test@sim" });
}

/**
 * The invariants every run must keep, read from the stack's update history: never more than one
 * cluster drained, never more than one cluster changed by one update, never a cluster drained
 * while another is changing, and an upgrade only while its cluster is drained (a release, which
 * changes workloads only, may run in service; a new cluster is created at weight 0).
 */
export function assertInvariants(sim: Simulation, options: { drainReleases?: boolean } = {}): void {
  for (const update of sim.stack.updates) {
    assert.ok(update.drained.length <= 1, `two clusters drained: ${update.message}`);
    assert.ok(update.changed.length <= 1, `two clusters changed at once: ${update.message}`);
    for (const changed of update.changed) {
      if (update.kinds[changed] === "add") {
        // A new cluster is created, or brought to its settings, without traffic.
        assert.equal(
          update.weights[changed],
          0,
          `${changed} added with traffic: ${update.message}`,
        );
      } else if (update.kinds[changed] === "release" && !options.drainReleases) {
        assert.ok(
          update.drained.length === 0 || update.drained[0] === changed,
          `${changed} released while ${update.drained[0]} was drained`,
        );
      } else {
        assert.deepEqual(update.drained, [changed], `${changed} changed while not drained`);
      }
    }
  }
}

/** How many updates changed each cluster's cluster-scoped settings. */
export function changesPerCluster(sim: Simulation): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const u of sim.stack.updates) for (const c of u.changed) counts[c] = (counts[c] ?? 0) + 1;
  return counts;
}

export const names = (events: RolloutEvent[]) => events.map((e) => e.event);

/** The autoscaling api service of the simulated environments, with `more` on top. */
export const api = (more: Record<string, unknown> = {}) =>
  serviceFixture({ autoscaling: { maxReplicas: 4 }, ...more });
/** The images a release rehearsal moves from and to. */
export const OLD = "ghcr.io/acme/api:1.0.0";
export const NEW = "ghcr.io/acme/api:1.1.0";

/** Every cluster deployed with the old image: the start of a release. */
export const deployedWithOldImage = () =>
  deployedFrom(
    planClusters(
      parseEnvironment("sim", environmentFixture({ services: [api({ image: OLD })] }), "t").config,
    ),
  );

/** A run's events of one kind. */
export const eventsOf = <N extends RolloutEvent["event"]>(run: Run, name: N) =>
  run.events.filter((e): e is Extract<RolloutEvent, { event: N }> => e.event === name);
