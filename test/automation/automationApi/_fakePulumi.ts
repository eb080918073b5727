/**
 * A scripted `pulumi` CLI for tests of the Automation API adapter. The test harness writes
 * `<root>/bin/pulumi`, a node script with a shebang that calls {@link main} with `<root>`. Each
 * call appends its argv, cwd and PULUMI_* / AA_* environment to `<root>/calls.jsonl`, then answers:
 *
 * - with the first scripted reply in `<root>/state.json` whose `match` tokens appear in argv in
 *   order (consumed unless `repeat`), or
 * - like the CLI itself, from the state file: `version`, `stack select`, `config get/set/rm`
 *   (with `--path`, on the stack file the project's `stackConfigDir` names), `config --json`,
 *   `stack tag ls/set/rm`, `stack output`, `stack history`, and a preview/up of a program that
 *   changes nothing.
 *
 * Like a backend, it serialises: each call holds `<root>/state.lock` while it reads and writes
 * the state, so concurrent calls (two rollouts at once) run one after another. A preview or update
 * with `AA_ROLLOUT_DIRECTIVE` does what the program does with the directive's lease: the fence of
 * `config/rolloutFence.ts` against the stack's `rolloutLock` output, refused with the program's
 * error diagnostic, else the new fence exported (updates only).
 *
 * Previews and updates write engine events to the `--event-log` the Automation API passes: a
 * file it tails (CLI ≤ 3.205) or a `tcp://` address of its gRPC Events server (CLI > 3.205).
 * Unless a reply scripts them, the events are those a real CLI sends when nothing changes (built
 * from recorded ones, see _realEvents.ts): the prelude with the stack file's config, the Stack's
 * `same` step, the summary (`isPreview`, `result`) and `cancelEvent`.
 */
import * as fs from "node:fs";
import * as path from "node:path";
// Types only (erased): these modules are loaded by `require` when a call needs them (see below).
import type * as Yaml from "yaml";
import type * as RolloutFence from "../../../config/rolloutFence";
import type * as RolloutState from "../../../config/rolloutState";
import type { Fence, FenceClaim } from "../../../config/rolloutState";
import type * as RealEvents from "./_realEvents";
import type { StreamOptions } from "./_realEvents";

/* eslint-disable @typescript-eslint/no-require-imports -- each is loaded on first use */
/**
 * The modules only some calls need, loaded on first use. Every call is a process of its own and
 * most (`version`, `stack select`, `stack tag`, `stack output`) need neither YAML nor the config's
 * schemas, whose loading was most of such a call's time; a test run makes hundreds of calls.
 */
const YAML = (): typeof Yaml => require("yaml") as typeof Yaml;
const rolloutFence = (): typeof RolloutFence =>
  require("../../../config/rolloutFence") as typeof RolloutFence;
const rolloutState = (): typeof RolloutState =>
  require("../../../config/rolloutState") as typeof RolloutState;
const realEvents = (): typeof RealEvents => require("./_realEvents") as typeof RealEvents;
/* eslint-enable @typescript-eslint/no-require-imports */

/** One engine event as the CLI writes it, before it is numbered. */
export type FakeEvent = Record<string, unknown>;

/** A scripted answer. */
export interface FakeReply {
  /** Tokens that must appear in argv, in this order, e.g. ["config", "get"] or ["up"]. */
  match: string[];
  exitCode?: number;
  stdout?: string;
  stderr?: string;
  /**
   * Engine events written to `--event-log`, numbered 0, 1, ... and timestamped by the fake.
   * @default when exitCode is 0, a real CLI's events for a run that changes nothing (prelude,
   * the Stack's `same` step, summary, cancel); none otherwise
   */
  events?: FakeEvent[];
  /** Sequence numbers lost on the way: a corrupt line in the log file, nothing on gRPC. */
  lose?: number[];
  /** The stack's outputs after this call (an `up` that exports new outputs). */
  outputs?: Record<string, FakeOutput>;
  /** Answer every matching call, not only the first. */
  repeat?: boolean;
}

/** A stack output: its value and whether it is secret. */
export interface FakeOutput {
  value: unknown;
  secret?: boolean;
}

/** Everything the fake knows; the harness writes it, the fake updates it. */
export interface FakeState {
  /** What `pulumi version` prints (without the "v"). */
  version: string;
  /** Stacks that exist in the (pretend) backend. */
  stacks: string[];
  /** Stack tags by stack. */
  tags: Record<string, Record<string, string>>;
  /** Stack outputs by stack. */
  outputs: Record<string, Record<string, FakeOutput>>;
  replies: FakeReply[];
}

/** One recorded call. */
export interface FakeCall {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
}

interface Answer {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const ok = (stdout = ""): Answer => ({ exitCode: 0, stdout, stderr: "" });
const fail = (stderr: string): Answer => ({
  exitCode: 255,
  stdout: "",
  stderr: `error: ${stderr}\n`,
});

/** Flags that take a value (everything else starting with "--" is a switch). */
const VALUE_FLAGS = new Set([
  "--stack",
  "-s",
  "--config-file",
  "--event-log",
  "--exec-kind",
  "--color",
  "--message",
  "--target",
  "--page-size",
  "--page",
  "--client",
  "--exec-agent",
]);

export async function main(root: string): Promise<void> {
  const release = await lockState(root);
  try {
    await answer(root);
  } finally {
    release();
  }
}

/** Waits for `<root>/state.lock` (created exclusively), then holds it; returns its release. */
async function lockState(root: string): Promise<() => void> {
  const file = path.join(root, "state.lock");
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => fs.rmSync(file, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

async function answer(root: string): Promise<void> {
  const argv = process.argv.slice(2);
  const statePath = path.join(root, "state.json");
  const state = JSON.parse(fs.readFileSync(statePath, "utf8")) as FakeState;
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] =>
        (e[0].startsWith("PULUMI_") || e[0].startsWith("AA_")) && e[1] !== undefined,
    ),
  );
  const call: FakeCall = { argv, cwd: process.cwd(), env };
  fs.appendFileSync(path.join(root, "calls.jsonl"), JSON.stringify(call) + "\n");

  let answer: Answer;
  const index = state.replies.findIndex((r) => matches(argv, r.match));
  if (index >= 0) {
    const reply = state.replies[index];
    if (!reply.repeat) state.replies.splice(index, 1);
    answer = await scripted(reply, argv, state);
  } else {
    answer = await builtIn(argv, state);
  }
  fs.writeFileSync(statePath, JSON.stringify(state, null, 2));
  process.stdout.write(answer.stdout);
  process.stderr.write(answer.stderr);
  process.exitCode = answer.exitCode;
}

function matches(argv: readonly string[], tokens: readonly string[]): boolean {
  let at = 0;
  for (const token of tokens) {
    at = argv.indexOf(token, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}

async function scripted(reply: FakeReply, argv: string[], state: FakeState): Promise<Answer> {
  const exitCode = reply.exitCode ?? 0;
  const eventLog = flag(argv, "--event-log");
  const [command] = positionals(argv);
  if (exitCode === 0 && (command === "preview" || command === "up")) {
    // The program runs whatever the steps turn out to be: its fence first.
    const refused = fence(command, state, stackOf(argv));
    if (refused) {
      if (eventLog) await writeEvents(eventLog, refusedEvents(argv, refused), []);
      return fail(`${command === "up" ? "update" : "preview"} failed`);
    }
  }
  // A command that fails before the engine starts (a held lock) writes no events.
  const events = reply.events ?? (exitCode === 0 ? defaultEvents(argv) : []);
  if (eventLog) await writeEvents(eventLog, events, reply.lose ?? []);
  if (exitCode === 0 && reply.outputs) {
    // The program exports the fence with everything else.
    const { FENCE_OUTPUT } = rolloutState();
    const kept = state.outputs[stackOf(argv)]?.[FENCE_OUTPUT];
    state.outputs[stackOf(argv)] = { ...(kept ? { [FENCE_OUTPUT]: kept } : {}), ...reply.outputs };
  }
  return { exitCode, stdout: reply.stdout ?? "", stderr: reply.stderr ?? "" };
}

async function builtIn(argv: string[], state: FakeState): Promise<Answer> {
  const [command, sub] = positionals(argv);
  const stack = stackOf(argv);
  if (command === "version") return ok(`v${state.version}\n`);
  if (!state.stacks.includes(stack)) {
    return fail(`no stack named '${stack}' found`);
  }
  if (command === "stack" && sub === "select") return ok();
  if (command === "config") return config(argv, stack);
  if (command === "stack" && sub === "tag") return tags(argv, state, stack);
  if (command === "stack" && sub === "output") return outputs(argv, state, stack);
  if (command === "stack" && sub === "history") return ok("[]\n");
  if (command === "preview" || command === "up") {
    const eventLog = flag(argv, "--event-log");
    const refused = fence(command, state, stack);
    if (refused) {
      if (eventLog) await writeEvents(eventLog, refusedEvents(argv, refused), []);
      return fail(`${command === "up" ? "update" : "preview"} failed`);
    }
    if (eventLog) await writeEvents(eventLog, defaultEvents(argv), []);
    return ok(`${command === "up" ? "Updating" : "Previewing update"} (${stack}):\n`);
  }
  return fail(`the fake pulumi has no answer for: pulumi ${argv.join(" ")}`);
}

// --- config ----------------------------------------------------------------------------------

function config(argv: string[], stack: string): Answer {
  const [, sub, key, value] = positionals(argv);
  const file = configFile(argv, stack);
  const doc = YAML().parseDocument(fs.readFileSync(file, "utf8"));
  const usePath = argv.includes("--path");
  if (sub === undefined) {
    const all = (doc.toJS() as { config?: Record<string, unknown> }).config ?? {};
    return ok(
      JSON.stringify(Object.fromEntries(Object.entries(all).map(([k, v]) => [k, shown(v)]))),
    );
  }
  const at = keyPath(key, usePath);
  if (sub === "get") {
    const found = doc.getIn(["config", ...at]);
    if (found === undefined)
      return fail(`configuration key '${key}' not found for stack '${stack}'`);
    const plain: unknown = YAML().isNode(found) ? found.toJSON() : found;
    return ok(JSON.stringify(shown(plain), null, 2) + "\n");
  }
  if (sub === "set") {
    if (argv.includes("--secret")) {
      doc.setIn(["config", ...at], { secure: `fake:${Buffer.from(value).toString("base64")}` });
    } else {
      doc.setIn(["config", ...at], usePath && at.length > 1 ? typed(value) : value);
    }
    fs.writeFileSync(file, doc.toString());
    return ok();
  }
  if (sub === "rm") {
    doc.deleteIn(["config", ...at]);
    fs.writeFileSync(file, doc.toString());
    return ok();
  }
  return fail(`unknown config command ${sub}`);
}

/** The stack file: `--config-file`, else `<stackConfigDir>/Pulumi.<stack>.yaml` from Pulumi.yaml. */
function configFile(argv: string[], stack: string): string {
  const explicit = flag(argv, "--config-file");
  if (explicit) return explicit;
  const project = YAML().parse(fs.readFileSync("Pulumi.yaml", "utf8")) as {
    stackConfigDir?: string;
  };
  return path.resolve(project.stackConfigDir ?? ".", `Pulumi.${stack}.yaml`);
}

/** `ns:clusters[1].weight` with --path -> ["ns:clusters", 1, "weight"]; without -> [key]. */
function keyPath(key: string, usePath: boolean): (string | number)[] {
  if (!usePath) return [key];
  const m = /^([^.[\]]+)((?:\.[^.[\]]+|\[\d+\])*)$/.exec(key);
  if (!m) throw new Error(`bad path ${key}`);
  const rest = [...m[2].matchAll(/\.([^.[\]]+)|\[(\d+)\]/g)].map((p) =>
    p[2] !== undefined ? Number(p[2]) : p[1],
  );
  return [m[1], ...rest];
}

function typed(value: string): string | number | boolean {
  if (value === "true" || value === "false") return value === "true";
  return /^-?\d+$/.test(value) ? Number(value) : value;
}

/** A config value as `pulumi config get --json` prints it. */
function shown(value: unknown): { value: string; objectValue?: unknown; secret: boolean } {
  if (value && typeof value === "object" && "secure" in value) {
    const secure = String(value.secure);
    return { value: Buffer.from(secure.replace(/^fake:/, ""), "base64").toString(), secret: true };
  }
  if (value !== null && typeof value === "object") {
    return { value: JSON.stringify(value), objectValue: value, secret: false };
  }
  return { value: String(value), secret: false };
}

// --- tags and outputs ------------------------------------------------------------------------

function tags(argv: string[], state: FakeState, stack: string): Answer {
  const [, , verb, name, value] = positionals(argv);
  const own = (state.tags[stack] ??= {});
  if (verb === "ls") return ok(JSON.stringify({ "pulumi:project": "active-active", ...own }));
  if (verb === "set") {
    own[name] = value;
    return ok();
  }
  if (verb === "rm") {
    delete own[name];
    return ok();
  }
  if (verb === "get") {
    return name in own
      ? ok(`${own[name]}\n`)
      : fail(`stack tag '${name}' not found for stack '${stack}'`);
  }
  return fail(`unknown tag command ${verb}`);
}

function outputs(argv: string[], state: FakeState, stack: string): Answer {
  const all = state.outputs[stack] ?? {};
  const reveal = argv.includes("--show-secrets");
  return ok(
    JSON.stringify(
      Object.fromEntries(
        Object.entries(all).map(([k, o]) => [k, o.secret && !reveal ? "[secret]" : o.value]),
      ),
      null,
      2,
    ) + "\n",
  );
}

// --- the program's fence ----------------------------------------------------------------------

/**
 * The program's fence for a directed preview or update: the refusal's message, or undefined (an
 * update then exports the new fence, as the program does).
 */
function fence(command: string, state: FakeState, stack: string): string | undefined {
  const { DIRECTIVE_ENV, FENCE_OUTPUT } = rolloutState();
  const claim = claimOf(process.env[DIRECTIVE_ENV]);
  const outputs = (state.outputs[stack] ??= {});
  try {
    const after = rolloutFence().fenceAfter(parseFenceOutput(outputs[FENCE_OUTPUT]?.value), claim);
    if (command === "up" && after) outputs[FENCE_OUTPUT] = { value: after };
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** The directive's claim; tests of the adapter also pass directives the program would refuse. */
function claimOf(directive: string | undefined): FenceClaim | undefined {
  try {
    const parsed = rolloutState().fenceClaimSchema.safeParse(
      (JSON.parse(directive ?? "{}") as { lock?: unknown }).lock,
    );
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function parseFenceOutput(value: unknown): Fence | null {
  return rolloutState().parsePreviousState(undefined, undefined, value).lock ?? null;
}

/** A failed run's events: the program's error, as the Node.js language host logs a RunError. */
function refusedEvents(argv: string[], message: string): FakeEvent[] {
  return defaultEvents(argv, {
    result: "failed",
    extra: [
      {
        diagnosticEvent: {
          urn: realEvents().stackUrnOf(stackOf(argv)),
          prefix: "error: ",
          message: `${message}\n`,
          color: "never",
          severity: "error",
        },
      },
    ],
  });
}

// --- engine events ---------------------------------------------------------------------------

/** What a real CLI sends for a preview or update that changes nothing (or fails, with `more`). */
function defaultEvents(
  argv: string[],
  more: Pick<StreamOptions, "result" | "extra"> = {},
): FakeEvent[] {
  const [command] = positionals(argv);
  const stack = stackOf(argv);
  const file = configFile(argv, stack);
  const { preludeConfig, realisticStream } = realEvents();
  return realisticStream([], {
    preview: command === "preview",
    stack,
    config: fs.existsSync(file) ? preludeConfig(fs.readFileSync(file, "utf8")) : {},
    ...more,
  });
}

async function writeEvents(target: string, events: FakeEvent[], lose: number[]): Promise<void> {
  const timestamp = Math.floor(Date.now() / 1000);
  const numbered = events.map((e, sequence) => ({ sequence, timestamp, ...e }));
  if (target.startsWith("tcp://")) {
    await streamEvents(
      target.slice("tcp://".length),
      numbered.filter((e) => !lose.includes(e.sequence)),
    );
    return;
  }
  for (const event of numbered) {
    // A lost event in a log file: a line cut short, as a crash mid-write leaves it.
    const line = lose.includes(event.sequence)
      ? JSON.stringify(event).slice(0, 20)
      : JSON.stringify(event);
    fs.appendFileSync(target, line + "\n");
  }
  // The Automation API tails the file every 200 ms and, when the CLI exits, stops tailing with a
  // last poll that can race an earlier one and lose or repeat the final lines (@logdna/tail-file's
  // quit). A real CLI spends a while after its last event (saving the checkpoint); so does this
  // one, so that the tests see the stream that was written, not that race.
  await new Promise((resolve) => setTimeout(resolve, 500));
}

/** Sends events to the Automation API's Events server, as CLI versions after 3.205 do. */
async function streamEvents(address: string, events: FakeEvent[]): Promise<void> {
  const grpc = await import("@grpc/grpc-js");
  const rpc = await import("@pulumi/pulumi/proto/events_grpc_pb");
  const pb = await import("@pulumi/pulumi/proto/events_pb");
  const client = new rpc.EventsClient(address, grpc.credentials.createInsecure());
  try {
    await new Promise<void>((resolve, reject) => {
      const call = client.streamEvents((err) => (err ? reject(err) : resolve()));
      for (const event of events) {
        const request = new pb.EventRequest();
        request.setEvent(JSON.stringify(event));
        call.write(request);
      }
      call.end();
    });
  } finally {
    client.close();
  }
}

// --- argv --------------------------------------------------------------------------------------

function flag(argv: readonly string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  const end = argv.indexOf("--");
  return at >= 0 && (end < 0 || at < end) ? argv[at + 1] : undefined;
}

function stackOf(argv: readonly string[]): string {
  return flag(argv, "--stack") ?? flag(argv, "-s") ?? "";
}

/** The words that are not flags or flag values; everything after "--" is a word. */
function positionals(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      words.push(...argv.slice(i + 1));
      break;
    }
    if (VALUE_FLAGS.has(arg)) i++;
    else if (!arg.startsWith("-")) words.push(arg);
  }
  return words;
}
