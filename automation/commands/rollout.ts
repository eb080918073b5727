import * as fs from "node:fs";
import * as path from "node:path";
import type { Command } from "commander";
import { ExitCode, UsageError, type ExitCodeValue } from "../exitCodes";
import { checkInputFile } from "../inputFile";
import type { Io } from "../io";
import { checkClusterOrder } from "../rollout/plan";
import { manPage } from "./_help";
import { evaluateStack } from "../offline/evaluate";
import type { RolloutEvent } from "../rollout/events";
import { runRollout, type RolloutOptions } from "../rollout/orchestrator";
import { canRedraw, terminalLiveView } from "../rollout/liveView";
import { createRenderer } from "../rollout/render";
import { parseFault, FAULT_KINDS, type Fault } from "../rollout/simulate/faults";
import { isSimulatedCrash } from "../rollout/simulate/simulatedCrash";
import { evaluateLeaving } from "../rollout/simulate/leaving";
import { createSimulation } from "../rollout/simulate/simulation";
import {
  isSimStateFailure,
  openSimState,
  type SimStateFile,
} from "../rollout/simulate/simStateFile";
import { loadEnvironment, readDeployedFile, type LoadedEnvironment } from "../environment";
import { clusterList, count, seconds, userName, whoAmI } from "./_options";
import { forceUnlock, runProductionRollout } from "../rollout/production";

interface RolloutCliOptions {
  simState?: string;
  stackFile?: string;
  simulate?: boolean;
  fault: string[];
  deployed?: string;
  order?: string[];
  soak: number;
  healthTimeout: number;
  poll: number;
  drain: number;
  json?: boolean;
  forceUnlock?: boolean;
  drainReleases?: boolean;
  maxSteps?: number;
}

/** `aa rollout <env>`: roll cluster-scoped changes through the clusters one at a time. */
export function registerRollout(
  program: Command,
  io: Io,
  done: (code: ExitCodeValue) => void,
): void {
  const command = program
    .command("rollout")
    .summary("roll cluster-scoped changes through the clusters one at a time")
    .description(
      "Walks from the deployed state (stack outputs) to the desired state (the committed stack config) " +
        "one cluster at a time: pre-check every cluster, drain one (weight 0, wait TTL + drain window), " +
        "preview only its change and refuse if it touches another cluster, update, wait for its health " +
        "gates, put it back, soak, record progress in the stack, next cluster. A release (a step that " +
        "changes workloads only) is not drained unless --drain-releases: its first cluster is the " +
        "canary, and a release that fails its gates is drained then. On failure it stops with " +
        "that cluster drained and the others serving; running it again resumes.",
    )
    .argument("[env]", "environment name: reads <stackConfigDir>/Pulumi.<env>.yaml")
    .option("--stack-file <file>", "read this stack config file instead of an environment's")
    .option("--simulate", "rehearse against a simulated environment (in-process, compressed time)")
    .option(
      "--fault <cluster:kind>",
      `with --simulate, inject a fault (repeatable); kinds: ${FAULT_KINDS.join(", ")}`,
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option("--deployed <file>", "with --simulate, start from this `pulumi stack output --json`")
    .option(
      "--sim-state <file>",
      "with --simulate, keep the simulated environment in this file, written after every update: a later run resumes it; locked (<file>.lock) while a rehearsal runs",
    )
    .option("--order <clusters>", "cluster order within each pass, e.g. c,a,b", clusterList)
    .option(
      "--soak <seconds>",
      "how long gates must hold after a cluster is back",
      seconds("--soak"),
      300,
    )
    .option(
      "--health-timeout <seconds>",
      "how long a changed cluster may take to pass its gates (and its metric gates to judge it after the soak)",
      seconds("--health-timeout", { min: 1 }),
      900,
    )
    .option(
      "--poll <seconds>",
      "seconds between gate checks (1 to 3600)",
      seconds("--poll", { min: 1, max: 3600 }),
      15,
    )
    .option(
      "--drain <seconds>",
      "in-flight drain window added to the DNS TTL",
      seconds("--drain", { max: 3600 }),
      30,
    )
    .option("--drain-releases", "drain a cluster for a release step too, as for an upgrade")
    .option(
      "--max-steps <n>",
      "perform at most n steps, then pause (exit 0, result paused); run again to go on",
      count("--max-steps"),
    )
    .option("--json", "one JSON object per line per event")
    .option(
      "--force-unlock",
      "remove the lock of a rollout that died, then stop (run again to resume)",
    );
  manPage(command, {
    examples: [
      ["aa rollout prod", "roll the committed config out, one cluster at a time"],
      ["aa rollout dev --simulate", "rehearse it in-process, in seconds"],
      ["aa rollout dev --simulate --fault b:gate-fails --json", "game day: b never gets healthy"],
      [
        "aa rollout prod --simulate --fault a:metrics-degrade",
        "a's error ratio rises after its change: its metric gate halts it",
      ],
      [
        "aa rollout dev --simulate --fault b:gate-fails --sim-state gd.json",
        "halt, keeping the state",
      ],
      ["aa rollout dev --simulate --sim-state gd.json", "then resume the halted rehearsal"],
      ["aa rollout prod --max-steps 1", "one cluster, then pause (CI: one job per cluster)"],
      ["aa rollout prod --force-unlock", "remove a dead rollout's lock"],
    ],
    exitCodes: [
      [0, "succeeded, nothing to do, or paused after --max-steps"],
      [2, "invalid config or usage"],
      [4, "halted: at most one cluster left drained, the others serving"],
      [
        5,
        "refused before changing anything (or the --sim-state file is in use by another rehearsal)",
      ],
      [6, "the Pulumi stack could not be used"],
    ],
    seeAlso: ["aa plan", "aa status"],
  });
  command.action(async (env: string | undefined, options: RolloutCliOptions) => {
    if (options.forceUnlock && options.simulate) {
      throw new UsageError(
        "--force-unlock removes the lock of a real rollout and --simulate rehearses one; use one of them",
      );
    }
    if (options.simState && !options.simulate) {
      throw new UsageError("--sim-state is for rehearsals; add --simulate");
    }
    if (options.simState) {
      checkWritableFolder("--sim-state", options.simState);
      // An existing one is read: a regular file (not /dev/zero), of a simulated state's size.
      checkInputFile(options.simState, "--sim-state", SIM_STATE_MAX_BYTES, false);
    }
    const loaded = loadEnvironment(env, options.stackFile);
    checkClusterOrder(
      options.order,
      loaded.desired.map((d) => d.name),
    );
    if (options.forceUnlock) {
      const holder = await forceUnlock(loaded);
      io.stderr(
        holder
          ? `aa: removed the rollout lock of ${loaded.environment.name} held by ${holder}; run \`aa rollout ${loaded.environment.name}\` to resume\n`
          : `aa: ${loaded.environment.name} had no rollout lock\n`,
      );
      return done(ExitCode.Ok);
    }
    const render = createRenderer();
    // On a terminal, the log lines persist above a status block redrawn in place; piped, the
    // plain log; with --json, one event per line.
    const terminal = io.stdoutTerminal;
    const live = !options.json && canRedraw(terminal) ? terminalLiveView(terminal) : undefined;
    const emit = (event: RolloutEvent) => {
      if (options.json) io.stdout(JSON.stringify(event) + "\n");
      else if (live) live.event(event, render(event));
      else {
        const line = render(event);
        if (line) io.stdout(line + "\n");
      }
    };
    const rolloutOptions: RolloutOptions = {
      environment: loaded.environment.name,
      desired: loaded.desired,
      config: loaded.environment.config,
      order: options.order,
      drainSeconds: options.drain,
      soakSeconds: options.soak,
      healthTimeoutSeconds: options.healthTimeout,
      pollSeconds: options.poll,
      startedBy: whoAmI(),
      drainReleases: options.drainReleases === true,
      maxSteps: options.maxSteps,
    };
    if (!options.simulate && (options.fault.length > 0 || options.deployed || options.simState)) {
      throw new UsageError("--fault and --deployed are for rehearsals; add --simulate");
    }
    const outcome = await (
      options.simulate
        ? simulate(loaded, options, rolloutOptions, emit, io)
        : runProductionRollout(loaded, rolloutOptions, emit)
    ).finally(() => live?.finish());
    done(
      outcome.result === "succeeded" || outcome.result === "paused"
        ? ExitCode.Ok
        : outcome.result === "halted"
          ? ExitCode.Halted
          : ExitCode.Refused,
    );
  });
}

/** The largest `--sim-state` file read: a simulated environment's outputs are kilobytes. */
const SIM_STATE_MAX_BYTES = 64 * 1024 ** 2;

/** Refuses, before anything runs, a file whose folder does not exist or cannot be written. */
function checkWritableFolder(option: string, file: string): void {
  const dir = path.dirname(path.resolve(file));
  try {
    if (!fs.statSync(dir).isDirectory()) throw new Error("not a folder");
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new UsageError(
      `${option} ${file}: the folder ${dir} does not exist or cannot be written; create it, or give a file in another folder`,
    );
  }
}

/**
 * Runs the orchestrator against a simulated environment; a simulated crash is resumed. With
 * `--sim-state`, the file is held (locked) for the whole rehearsal and written after every update.
 */
async function simulate(
  loaded: LoadedEnvironment,
  options: RolloutCliOptions,
  rolloutOptions: RolloutOptions,
  emit: (event: RolloutEvent) => void,
  io: Io,
) {
  const stateFile = options.simState
    ? openSimState(options.simState, {
        user: userName(),
        notice: (message) => io.stderr(`aa: ${message}\n`),
      })
    : undefined;
  try {
    // Said once, on a terminal or in a log; --json readers see the gates in the events.
    const notice = (message: string) => {
      if (!options.json) io.stderr(`aa: ${message}\n`);
    };
    return await rehearse(loaded, options, rolloutOptions, emit, stateFile, notice);
  } finally {
    stateFile?.close();
  }
}

/** The rehearsal itself, from the state kept in `stateFile` when there is one. */
async function rehearse(
  loaded: LoadedEnvironment,
  options: RolloutCliOptions,
  rolloutOptions: RolloutOptions,
  emit: (event: RolloutEvent) => void,
  stateFile: SimStateFile | undefined,
  notice: (message: string) => void,
) {
  const saved = stateFile?.read();
  if (saved && options.deployed) {
    throw new UsageError(
      `--sim-state ${options.simState} already holds a simulated environment; drop --deployed, or use a new --sim-state file`,
    );
  }
  const deployed =
    saved?.clusters ?? (options.deployed ? readDeployedFile(options.deployed).clusters : undefined);
  const names = [...new Set([...loaded.desired, ...(deployed ?? [])].map((d) => d.name))];
  const faults: Fault[] = options.fault.map((f) => parseFault(f, names));
  const input = {
    project: loaded.project.name,
    stack: loaded.environment.name,
    config: loaded.file.config,
    source: loaded.source,
  };
  const evaluation = await evaluateStack(input);
  const sim = createSimulation({
    environment: loaded.environment,
    evaluation,
    leaving: await evaluateLeaving(
      { ...input, configured: loaded.desired.map((d) => d.name) },
      deployed,
    ),
    deployed,
    rollout: saved?.rollout ?? null,
    faults,
    startedBy: rolloutOptions.startedBy,
    // Every update is on disk before it returns: a kill at any moment loses no finished update.
    persist: stateFile ? (state) => stateFile.write(state) : undefined,
  });
  if (sim.metricsAssumed) {
    notice(
      `${loaded.environment.name} declares no metric gates (active-active:gates); the rehearsal runs the default pair per service (error ratio, p99 latency) against simulated metrics`,
    );
  }
  const deps = {
    ...(sim.metrics ? { metrics: sim.metrics } : {}),
    stack: sim.stack,
    health: sim.health,
    blastRadius: sim.blastRadius,
    lock: sim.lock,
    clock: sim.clock,
    emit,
    drainGates: [sim.capacity],
    // A --sim-state file that cannot be written (or whose lock was lost) stops the rehearsal
    // where it is, as a kill would: the file holds the last update that finished.
    isProcessDeath: (err: unknown) => isSimulatedCrash(err) || isSimStateFailure(err),
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const outcome = await runRollout(deps, rolloutOptions);
      stateFile?.write(await sim.stack.readState());
      return outcome;
    } catch (err) {
      if (!isSimulatedCrash(err) || attempt > FAULT_KINDS.length) throw err;
      // The process died here. An operator finds the dead rollout's lock, removes it, runs again.
      const holder = sim.lock.forceUnlock();
      emit({
        event: "simulated-crash",
        at: new Date(sim.clock.now()).toISOString(),
        elapsedMs: 0,
        reason: `${err.message}; removed the dead rollout's lock (held by ${holder}) and running \`aa rollout\` again`,
      });
    }
  }
}
