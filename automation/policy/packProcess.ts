import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { UsageError } from "../exitCodes";
import { STACK_CONFIG_FILE_ENV } from "../../policies/stackConfigFile";

export { STACK_CONFIG_FILE_ENV };

/** What the engine tells a policy pack about the stack it analyzes. */
export interface PackStackContext {
  project: string;
  stack: string;
  /** Pulumi Cloud organization, when known. */
  organization?: string;
  /** True for a preview, false for an update (`aa check` analyzes like a preview). */
  dryRun: boolean;
  /** The stack's config as the engine passes it: flat keys, values as strings (JSON for objects). */
  config?: Record<string, string>;
}

/** A policy pack process serving the Analyzer gRPC service on 127.0.0.1. */
export interface RunningPack {
  /** The port the pack announced on its first line of stdout. */
  port: number;
  /** What the pack wrote to stderr so far (its logs, or why it failed). */
  stderr(): string;
  /** Stops the process and waits for it to exit. */
  close(): Promise<void>;
}

/** Placeholder engine address: `aa check` runs no engine, and the pack never calls one. */
const NO_ENGINE = "127.0.0.1:0";

/**
 * Starts a Node.js policy pack exactly as the Pulumi CLI does for `--policy-pack DIR`
 * (sdk/go/common/resource/plugin/analyzer_plugin.go, `NewPolicyAnalyzer`, and the
 * `pulumi-analyzer-policy` shim): `node <@pulumi/pulumi/cmd/run-policy-pack> <engine> .
 * [-option=value ...]` with the pack directory as working directory, the parent's environment
 * plus PULUMI_[NODEJS_]PROJECT/STACK/ORGANIZATION/DRY_RUN, then reads the port the pack prints
 * as its first line of stdout. The stack's config goes in a file only this user can read,
 * named by {@link STACK_CONFIG_FILE_ENV} and removed when the pack is closed, not in
 * PULUMI_CONFIG as the CLI passes it: an environment variable has a size limit.
 */
export async function startPolicyPack(
  packDir: string,
  context: PackStackContext,
): Promise<RunningPack> {
  const dir = path.resolve(packDir);
  const options = readPolicyProject(dir);
  let runner: string;
  try {
    runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [dir] });
  } catch {
    throw new UsageError(
      `the policy pack's dependencies are not installed (no @pulumi/pulumi reachable from ${dir}); run npm ci`,
    );
  }
  const configFile = writeStackConfig(context.config);
  const args = [runner, NO_ENGINE, "."];
  for (const [key, value] of Object.entries(options)) {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    if (text !== "" && text !== undefined) args.push(`-${key}=${text}`);
  }
  const child = spawn(process.execPath, args, {
    cwd: dir,
    env: packEnvironment(process.env, context, configFile?.file),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const release = stopWithParent(child, configFile?.remove);
  void exited.then(() => {
    release();
    configFile?.remove();
  });

  let port: number;
  try {
    port = await readPort(child, exited, () => stderr);
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  }
  // After the port, the pack's stdout is its log output; keep draining it.
  child.stdout?.resume();
  return {
    port,
    stderr: () => stderr,
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}

/**
 * A pack process serves until it is stopped; make sure it does not outlive `aa` when `aa` exits
 * or is interrupted. Returns the function that removes the handlers again.
 */
function stopWithParent(child: ChildProcess, cleanUp: () => void = () => undefined): () => void {
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    cleanUp();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    kill();
    release();
    process.kill(process.pid, signal); // the default behaviour, now that the pack is gone
  };
  const release = () => {
    process.off("exit", kill);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  };
  process.once("exit", kill);
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  return release;
}

/** The environment the CLI gives a policy pack (`constructEnv` in analyzer_plugin.go). */
export function packEnvironment(
  parent: NodeJS.ProcessEnv,
  context: PackStackContext,
  configFile?: string,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...parent };
  // The config is the file's, never one inherited from a process that runs aa.
  delete env.PULUMI_CONFIG;
  delete env.PULUMI_CONFIG_SECRET_KEYS;
  delete env[STACK_CONFIG_FILE_ENV];
  const set = (key: string, value: string | undefined) => {
    if (value) env[key] = value;
  };
  set(STACK_CONFIG_FILE_ENV, configFile);
  for (const prefix of ["PULUMI_NODEJS_", "PULUMI_"]) {
    set(`${prefix}ORGANIZATION`, context.organization);
    set(`${prefix}PROJECT`, context.project);
    set(`${prefix}STACK`, context.stack);
    set(`${prefix}DRY_RUN`, String(context.dryRun));
  }
  return env;
}

/**
 * Writes the stack's config for the pack: a file in a new folder only this user can read, and the
 * function that removes both. Undefined when there is no config.
 */
function writeStackConfig(
  config: Record<string, string> | undefined,
): { file: string; remove: () => void } | undefined {
  if (!config || Object.keys(config).length === 0) return undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-pack-config-"));
  const file = path.join(dir, "config.json");
  fs.writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  return { file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Reads PulumiPolicy.yaml: the pack must be a nodejs pack; returns its runtime options. */
function readPolicyProject(dir: string): Record<string, unknown> {
  const file = path.join(dir, "PulumiPolicy.yaml");
  let doc: unknown;
  try {
    doc = YAML.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "ENOENT"
        ? `${dir} is not a policy pack: it has no PulumiPolicy.yaml`
        : `cannot read ${file}: ${(err as Error).message.split("\n")[0]}`,
    );
  }
  const runtime = (doc as { runtime?: unknown } | null)?.runtime;
  const name = typeof runtime === "string" ? runtime : (runtime as { name?: unknown })?.name;
  if (name !== "nodejs") {
    throw new UsageError(
      `${file} declares runtime ${JSON.stringify(name)}; aa check runs nodejs policy packs only`,
    );
  }
  const options = typeof runtime === "object" ? (runtime as { options?: unknown }).options : {};
  return options && typeof options === "object" ? (options as Record<string, unknown>) : {};
}

/** Reads stdout up to the first newline, as the CLI does, and checks it is a port number. */
function readPort(
  child: ChildProcess,
  exited: Promise<number | null>,
  stderr: () => string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let line = "";
    const stdout = child.stdout;
    if (!stdout) return reject(new Error("the policy pack has no stdout"));
    const onData = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      const end = text.indexOf("\n");
      line += end >= 0 ? text.slice(0, end) : text;
      if (end < 0) return;
      stdout.off("data", onData);
      const port = Number(line.trim());
      if (!/^\d+$/.test(line.trim()) || port <= 0 || port > 65535) {
        reject(
          new Error(`the policy pack wrote a non-numeric port to stdout ("${line}")\n${stderr()}`),
        );
      } else resolve(port);
    };
    stdout.on("data", onData);
    child.once("error", (err) => reject(new Error(`cannot start the policy pack: ${err.message}`)));
    void exited.then((code) =>
      reject(
        new Error(
          `the policy pack exited (code ${code}) before announcing its port:\n${stderr().trim()}`,
        ),
      ),
    );
  });
}
