import * as pulumi from "@pulumi/pulumi";
import { AaError, ExitCode, messageOf } from "../../errors/aaError";
import { planClusters, type ClusterSpec } from "../../config/clusters";
import {
  parseEnvironment,
  rawFromStackConfig,
  toPulumiConfig,
  type Environment,
} from "../../config/load";
import { clusterMembership, type Membership } from "../../graph/membership";
import type { ResourceNode } from "../../graph/resourceGraph";
import { main } from "../../program";
import { CloudMocks } from "./cloudMocks";
import { LogEngine, type ProgramLog } from "./programLog";
import { useEngine, waitForRegistrations, withIsolatedRuntime } from "./_pulumiInternals";
import { RecordingMonitor } from "./recordingMonitor";
import { withoutSdkDiagnostics } from "./_sdkDiagnostics";
import { withLazyOutputs } from "./_lazyOutputs";
import { withPlainStructs } from "./_plainStruct";
import { leaveOutTypeAliases } from "./_typeAliases";
import { forbidProcessExit } from "./_processExit";
import { routeStdout } from "./_programStdout";
import { captureStrayErrors } from "./_strayErrors";

/** A stack to evaluate: the Pulumi project, the stack name and its config as written. */
export interface StackInput {
  /** Pulumi project name (from Pulumi.yaml). */
  project: string;
  /** Stack name; the environment name. */
  stack: string;
  /** The stack file's `config:` map, as parsed from YAML. */
  config: Record<string, unknown>;
  /** Where the config came from, for error messages, e.g. "stacks/Pulumi.dev.yaml". */
  source: string;
}

/** The environment a stack describes, as the program builds it. */
export interface Evaluation {
  environment: Environment;
  /** Each cluster's resolved settings, in config order. */
  clusters: ClusterSpec[];
  /** Every registered resource, in registration order. */
  resources: ResourceNode[];
  membership: Membership;
  /** The stack outputs, secrets replaced by "[secret]". */
  outputs: Record<string, unknown>;
}

/** A program to run offline, with the stack it runs as. */
export interface OfflineRun {
  project: string;
  stack: string;
  /** Stack config as written in a stack file (`aws:region` picks the mocked region). */
  config: Record<string, unknown>;
  /** The Pulumi program: registers resources, resolves to the stack outputs. */
  program: () => Promise<Record<string, unknown> | void>;
  /** Outputs of the previous deployment, read back by the program. @default {} (never deployed) */
  deployed?: Record<string, unknown>;
  /** Pulumi organization. @default "organization" (what self-managed backends use) */
  organization?: string;
  /**
   * Config keys the engine would mark secret (their values passed decrypted, as `pulumi up`
   * passes them). @default none
   */
  secretKeys?: string[];
  /** Environment variables visible to the program during the run. @default {} */
  env?: Record<string, string>;
  /**
   * Where the program's log messages go (`pulumi.log.*`, the SDKs' warnings), and what it writes
   * to stdout (`console.log`), as `info`.
   * @default the console, as the Pulumi SDK prints them without an engine (`info` on stdout)
   */
  onLog?: (log: ProgramLog) => void;
}

/** What an offline run registered. */
export interface OfflineResult {
  /** Every registered resource, in registration order (the root stack first). */
  resources: ResourceNode[];
  /** The stack outputs, secrets replaced by "[secret]". */
  outputs: Record<string, unknown>;
  /**
   * What the program failed with, if it did: what it threw or rejected with, else the first error
   * it left unhandled (an `apply` callback that threw, a timer's exception, a rejected promise).
   */
  error?: unknown;
}

/**
 * Runs any Pulumi program under the mock runtime with realistic cloud answers, in its own
 * runtime store, and records what it registers, also when the program fails. However the program
 * fails (synchronously, in a promise, in an `apply`, in a callback), that is the result's `error`;
 * nothing escapes the run. A failure of aa's own answers rejects instead: it is aa's bug. One run
 * at a time per process: a run sets `run.env` in `process.env` until it ends, so two runs at once
 * would see each other's variables (the rollout directive) and restore them in the wrong order;
 * and it holds the process's uncaught-exception capture, which a second run fails to take; and
 * its runtime store is the process's global store from its start to the next run's. The
 * SDK's diagnostics for an engine (a stack per promise, a source position per resource) are left
 * out while it runs, and so is what it would make and never read (an `Output` for a property
 * nobody reads, a URN for an alias that only renames a type, the protobuf form of a request):
 * they were most of its cost. The resources, their inputs, outputs, parents, providers and
 * dependencies are what the SDK would register; the order in which resources registered at once
 * come in is not kept (nor does the engine promise one).
 */
export async function runOffline(run: OfflineRun): Promise<OfflineResult> {
  const region =
    typeof run.config["aws:region"] === "string" ? run.config["aws:region"] : "us-east-1";
  return withIsolatedRuntime(() =>
    withoutSdkDiagnostics(() =>
      withLazyOutputs(() => withPlainStructs(() => evaluateIsolated(run, region))),
    ),
  );
}

/** {@link runOffline} in its own runtime store. */
async function evaluateIsolated(run: OfflineRun, region: string): Promise<OfflineResult> {
  const monitor = new RecordingMonitor(new CloudMocks(region, run.deployed ?? {}));
  pulumi.runtime.setMockOptions(
    monitor,
    run.project,
    run.stack,
    false,
    run.organization ?? "organization",
  );
  const { onLog } = run;
  pulumi.runtime.setAllConfig(toPulumiConfig(run.config), run.secretKeys);
  let error: unknown;
  const restoreEngine = onLog ? useEngine(new LogEngine(onLog)) : () => undefined;
  const strays = captureStrayErrors();
  const restoreStdout = onLog
    ? routeStdout((message) => onLog({ severity: "info", message }))
    : () => undefined;
  const restoreExit = forbidProcessExit();
  const restore = setEnv(run.env ?? {});
  try {
    await pulumi.runtime.runInPulumiStack(async () => {
      leaveOutTypeAliases();
      return (await run.program()) ?? {};
    });
  } catch (err) {
    error = err;
  } finally {
    restore();
  }
  try {
    await waitForRegistrations().catch((err: unknown) => (error ??= err));
    await strays.settle();
  } finally {
    strays.release();
    restoreEngine();
    restoreStdout();
    restoreExit();
  }
  // aa's own failure, as thrown: reported as an internal error.
  if (monitor.internalFailures.length > 0) throw monitor.internalFailures[0];
  error ??= strays.errors[0];
  const root = monitor.nodes.find((n) => n.type === "pulumi:pulumi:Stack");
  return { resources: monitor.nodes, outputs: root?.outputs ?? {}, error };
}

/** The program failed for a reason other than invalid config. */
export class EvaluationError extends AaError {
  readonly exit = ExitCode.Internal;
  readonly code = "AA_PROGRAM_FAILED";
}

/**
 * Runs the real program (`program.ts`, the same function `pulumi up` runs) under Pulumi's mock
 * runtime with realistic cloud answers, and records the complete resource graph. The config is
 * validated first, so an invalid stack registers nothing. Each call has its own runtime store,
 * so evaluations can run one after another in one process.
 */
export async function evaluateStack(input: StackInput): Promise<Evaluation> {
  const environment = parseEnvironment(input.stack, rawFromStackConfig(input.config), input.source);
  const { resources, outputs, error } = await runOffline({
    project: input.project,
    stack: input.stack,
    config: input.config,
    program: main,
  });
  if (error !== undefined) {
    throw new EvaluationError(`the program failed for ${input.source}: ${messageOf(error)}`);
  }

  return {
    environment,
    clusters: planClusters(environment.config),
    resources,
    membership: clusterMembership(resources),
    outputs,
  };
}

/**
 * Sets environment variables for the duration of a run and returns how to restore them. The
 * program reads its rollout directive from the environment, as it does under `pulumi up`.
 */
function setEnv(vars: Record<string, string>): () => void {
  const saved = Object.keys(vars).map((k) => [k, process.env[k]] as const);
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
