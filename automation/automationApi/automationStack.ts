import * as fs from "node:fs";
import * as path from "node:path";
import {
  LocalWorkspace,
  PulumiCommand,
  Stack,
  type ConfigValue,
  type OutputMap,
} from "@pulumi/pulumi/automation";
import { UsageError } from "../exitCodes";
import { findProject, readEnvironmentStack, type Project } from "../project";
import { Redactor } from "../redact/redactor";
import { commandFailure } from "./commandFailure";
import { EventRecorder } from "./_eventRecorder";
import { parseDeployedState, type DeployedState } from "./deployedState";
import { StackError, StackEventsIncompleteError, StackOutputsError } from "./errors";
import type {
  ConfigEntry,
  ConfigKeyArgs,
  KubeAccess,
  OperationArgs,
  PreviewResult,
  SetConfigArgs,
  StackPort,
  UpResult,
} from "./port";
import { Secret } from "./secret";
import { TagRolloutLock, type TagRolloutLockArgs } from "./tagLock";
import type { TagStore } from "./tagStore";

/** Arguments of {@link AutomationStack.open}. */
export interface AutomationStackArgs {
  /** The environment: the name of the stack to select. */
  environment: string;
  /**
   * The Pulumi project directory (the one holding Pulumi.yaml). Every `pulumi` command runs
   * there, so the CLI reads the stack's config from the project's `stackConfigDir`.
   * @default the nearest Pulumi.yaml at or above the working directory, else this package's
   */
  projectDir?: string;
  /**
   * The Pulumi CLI to run.
   * @default the `pulumi` on PATH, version-checked by the Automation API
   */
  pulumiCommand?: PulumiCommand;
  /**
   * Extra environment variables for every `pulumi` command, e.g. `PULUMI_BACKEND_URL` or
   * `PULUMI_CONFIG_PASSPHRASE_FILE`. Never printed.
   * @default {} (the process environment is inherited either way)
   */
  envVars?: Record<string, string>;
}

/**
 * The stack port on the Pulumi Automation API: a `LocalWorkspace` on the project directory and
 * the environment's stack selected in it. Config goes through the CLI (`pulumi config get/set
 * --path`), which honours the project's `stackConfigDir` (LocalWorkspace's own stack-settings
 * reader does not); previews and updates pass that same file as `--config-file`, so all of them
 * read and write one file: `<stackConfigDir>/Pulumi.<env>.yaml`.
 */
export class AutomationStack implements StackPort {
  /** The stack's tags (in the Pulumi backend), where the rollout lock lives. */
  readonly tags: TagStore;
  private readonly redactor = new Redactor();

  private constructor(
    readonly environment: string,
    readonly project: Project,
    /** The stack config file every command uses. */
    readonly configFile: string,
    private readonly stack: Stack,
  ) {
    this.tags = {
      where: `stack "${environment}"`,
      list: () => this.run("pulumi stack tag ls", () => this.stack.listTags()),
      set: (name, value) =>
        this.run(`pulumi stack tag set ${name}`, () => this.stack.setTag(name, value)),
      remove: (name) => this.run(`pulumi stack tag rm ${name}`, () => this.stack.removeTag(name)),
    };
  }

  /**
   * Opens an environment's stack: checks that the project and its stack file exist, creates the
   * workspace and selects the stack (`pulumi stack select`). Fails with a {@link UsageError} for a
   * missing project or stack file, and a {@link StackError} when the CLI cannot run or the stack
   * does not exist in the backend.
   */
  static async open(args: AutomationStackArgs): Promise<AutomationStack> {
    const project = openProject(args.projectDir);
    const file = readEnvironmentStack(project, args.environment).path;
    const redactor = new Redactor();
    const fail = (command: string, err: unknown): unknown => {
      const failure = commandFailure(err, args.environment, command, redactor.redact);
      if (failure instanceof StackError || !(failure instanceof Error)) return failure;
      // The Automation API refused the CLI itself (too old, unparseable version).
      return new StackError(
        `cannot use the Pulumi CLI for stack "${args.environment}": ` +
          redactor.redact(failure.message),
        args.environment,
      );
    };
    let workspace: LocalWorkspace;
    try {
      workspace = await LocalWorkspace.create({
        workDir: project.dir,
        ...(args.pulumiCommand ? { pulumiCommand: args.pulumiCommand } : {}),
        envVars: { ...args.envVars },
      });
    } catch (err) {
      throw fail("pulumi version", err);
    }
    let stack: Stack;
    try {
      stack = await Stack.select(args.environment, workspace);
    } catch (err) {
      throw fail("pulumi stack select", err);
    }
    return new AutomationStack(args.environment, project, path.resolve(file), stack);
  }

  /** This environment's rollout lock, kept in the stack's tags. */
  rolloutLock(args: Omit<TagRolloutLockArgs, "environment" | "tags"> = {}): TagRolloutLock {
    return new TagRolloutLock({ ...args, environment: this.environment, tags: this.tags });
  }

  async outputs(): Promise<DeployedState | undefined> {
    const outputs = await this.readOutputs();
    return this.deployedFrom(outputs);
  }

  async kubeconfigs(): Promise<Secret<Record<string, string>>> {
    return this.kubeconfigsFrom(await this.readOutputs());
  }

  async kubeAccess(): Promise<KubeAccess> {
    const outputs = await this.readOutputs();
    const regions: Record<string, string> = {};
    const clusters: unknown = outputs.clusters?.secret ? undefined : outputs.clusters?.value;
    for (const c of Array.isArray(clusters) ? (clusters as unknown[]) : []) {
      const { name, region } = (c ?? {}) as { name?: unknown; region?: unknown };
      if (typeof name === "string" && typeof region === "string") regions[name] = region;
    }
    return { kubeconfigs: this.kubeconfigsFrom(outputs), regions };
  }

  private kubeconfigsFrom(outputs: OutputMap): Secret<Record<string, string>> {
    const output = outputs.kubeconfigs;
    const value: unknown = output?.value;
    if (
      !value ||
      typeof value !== "object" ||
      Array.isArray(value) ||
      Object.values(value).some((v) => typeof v !== "string")
    ) {
      throw new StackOutputsError(this.environment, [
        output
          ? `output kubeconfigs: expected a map of cluster name to kubeconfig (value not shown: it is secret)`
          : `output kubeconfigs: missing (was the stack deployed?)`,
      ]);
    }
    return new Secret({ ...(value as Record<string, string>) });
  }

  async getConfig(key: string, args: ConfigKeyArgs = {}): Promise<ConfigEntry | undefined> {
    const command = `pulumi config get${args.path ? " --path" : ""} ${key}`;
    try {
      return this.entry(await this.run(command, () => this.stack.getConfig(key, args.path)));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async getAllConfig(): Promise<Record<string, ConfigEntry>> {
    const all = await this.run("pulumi config", () => this.stack.getAllConfig());
    return Object.fromEntries(Object.entries(all).map(([key, value]) => [key, this.entry(value)]));
  }

  async setConfig(key: string, value: string, args: SetConfigArgs = {}): Promise<void> {
    if (args.secret) this.redactor.remember(value);
    const command = `pulumi config set${args.path ? " --path" : ""} ${key}`;
    await this.run(command, () =>
      this.stack.setConfig(key, { value, secret: Boolean(args.secret) }, args.path),
    );
  }

  async removeConfig(key: string, args: ConfigKeyArgs = {}): Promise<void> {
    const command = `pulumi config rm${args.path ? " --path" : ""} ${key}`;
    await this.run(command, () => this.stack.removeConfig(key, args.path));
  }

  /**
   * A preview changes nothing, so one whose event stream arrived incomplete is run again, up to
   * {@link PREVIEW_ATTEMPTS} times in all (the Automation API's tail of the CLI's event-log file,
   * CLI <= 3.205, can lose or garble lines of large events). `onEvent` sees every attempt's
   * events, each attempt beginning with its `prelude`; the result is the complete attempt's.
   */
  async preview(args: OperationArgs = {}): Promise<PreviewResult> {
    for (let attempt = 1; ; attempt++) {
      const recorder = new EventRecorder(args.onEvent, this.redactor.redact);
      await this.withProgramEnv(args.programEnv, () =>
        this.run(
          "pulumi preview",
          () => this.stack.preview({ ...this.operationOptions(args), onEvent: recorder.receive }),
          recorder,
        ),
      );
      recorder.throwListenerError();
      const incomplete = recorder.incompleteness();
      if (!incomplete) {
        return { events: recorder.events, changes: recorder.changes(), counts: recorder.counts() };
      }
      if (attempt >= PREVIEW_ATTEMPTS) {
        throw new StackEventsIncompleteError(
          this.environment,
          "preview",
          `${incomplete} (${attempt} attempts)`,
        );
      }
    }
  }

  async up(args: OperationArgs = {}): Promise<UpResult> {
    const recorder = new EventRecorder(args.onEvent, this.redactor.redact);
    const result = await this.withProgramEnv(args.programEnv, () =>
      this.run(
        "pulumi up",
        () =>
          this.stack.up({
            ...this.operationOptions(args),
            onEvent: recorder.receive,
            // Otherwise the Automation API reads the update's history with --show-secrets.
            showSecrets: false,
          }),
        recorder,
      ),
    );
    this.rememberSecrets(result.outputs);
    recorder.throwListenerError();
    const incomplete = recorder.incompleteness();
    return {
      events: recorder.events,
      changes: recorder.changes(),
      counts: recorder.counts(),
      deployed: this.deployedFrom(result.outputs),
      ...(incomplete ? { eventsIncomplete: incomplete } : {}),
    };
  }

  /** Runs `operation` with extra environment variables for the `pulumi` process (and program). */
  private async withProgramEnv<T>(
    env: Record<string, string> | undefined,
    operation: () => Promise<T>,
  ): Promise<T> {
    const vars = this.stack.workspace.envVars as Record<string, string>;
    const saved = Object.keys(env ?? {}).map((k) => [k, vars[k]] as const);
    Object.assign(vars, env ?? {});
    try {
      return await operation();
    } finally {
      for (const [k, v] of saved) {
        if (v === undefined) delete vars[k];
        else vars[k] = v;
      }
    }
  }

  /** The options every preview and update gets. */
  private operationOptions(args: OperationArgs) {
    return {
      configFile: this.configFile,
      color: "never" as const,
      ...(args.targets?.length ? { target: [...args.targets] } : {}),
      ...(args.targetDependents ? { targetDependents: true } : {}),
      ...(args.refresh ? { refresh: true } : {}),
      ...(args.message ? { message: args.message } : {}),
    };
  }

  private async readOutputs(): Promise<OutputMap> {
    const outputs = await this.run("pulumi stack output", () => this.stack.outputs());
    this.rememberSecrets(outputs);
    return outputs;
  }

  private deployedFrom(outputs: OutputMap): DeployedState | undefined {
    const state = parseDeployedState(outputs);
    if (state && "problems" in state) throw new StackOutputsError(this.environment, state.problems);
    return state;
  }

  /** Secret outputs are cut from every later error message of this stack. */
  private rememberSecrets(outputs: OutputMap): void {
    for (const output of Object.values(outputs)) {
      if (!output.secret) continue;
      const values =
        output.value && typeof output.value === "object"
          ? Object.values(output.value as object)
          : [output.value];
      for (const value of values) {
        this.redactor.remember(typeof value === "string" ? value : JSON.stringify(value));
      }
    }
  }

  private entry(value: ConfigValue): ConfigEntry {
    if (!value.secret) return { secret: false, value: value.value };
    this.redactor.remember(value.value);
    return { secret: true, value: new Secret(value.value) };
  }

  /** Runs one Automation API call; a failure becomes a typed, redacted {@link StackError}. */
  private async run<T>(
    command: string,
    call: () => Promise<T>,
    events?: EventRecorder,
  ): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw commandFailure(err, this.environment, command, this.redactor.redact, events?.errors());
    }
  }
}

/** How many times a preview whose event stream arrived incomplete is run in all. */
export const PREVIEW_ATTEMPTS = 3;

function openProject(dir: string | undefined): Project {
  if (dir === undefined) return findProject();
  const file = path.join(path.resolve(dir), "Pulumi.yaml");
  if (!fs.existsSync(file)) {
    throw new UsageError(
      `${dir} is not a Pulumi project: ${file} does not exist; pass the directory that holds Pulumi.yaml`,
    );
  }
  return findProject(dir);
}

/** `pulumi config get` of a key that is not set. */
function isNotFound(err: unknown): boolean {
  return (
    typeof (err as { stderr?: unknown }).stderr === "string" &&
    /configuration key '[^']*' not found/.test((err as { stderr: string }).stderr)
  );
}
