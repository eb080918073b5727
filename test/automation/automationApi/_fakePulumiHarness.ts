import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import type { FakeCall, FakeOutput, FakeReply, FakeState } from "./_fakePulumi";

/** The repository root (dist/test/automation/automationApi -> ../../../..). */
const REPO = path.resolve(__dirname, "..", "..", "..", "..");

/** A scripted `pulumi` in a temp dir, and a Pulumi project (Pulumi.yaml + stacks/) next to it. */
export interface FakePulumi {
  /** The install root: `<root>/bin/pulumi` is the fake. */
  root: string;
  /** A copy of this project's Pulumi.yaml and stack files. */
  projectDir: string;
  /** The real Automation API's handle on the fake. */
  command: PulumiCommand;
  /** Queues a scripted reply. */
  reply(reply: FakeReply): void;
  /** Every call so far, in order (the initial `pulumi version` included). */
  calls(): FakeCall[];
  /** Calls whose argv contains these tokens in order. */
  callsOf(...tokens: string[]): FakeCall[];
  state(): FakeState;
  /** The stack file as it is now. */
  stackFile(env: string): string;
  setOutputs(env: string, outputs: Record<string, FakeOutput>): void;
  setTags(env: string, tags: Record<string, string>): void;
  cleanup(): void;
}

/** Arguments of {@link fakePulumi}. */
export interface FakePulumiArgs {
  /** What `pulumi version` prints. 3.205.0 and older: events via a log file; newer: via gRPC. @default "3.248.0" */
  version?: string;
  /** Stacks that exist in the pretend backend. @default ["dev"] */
  stacks?: string[];
  /** Skip the Automation API's CLI version check for `command` (a fake too old on purpose). @default false */
  skipVersionCheck?: boolean;
}

export async function fakePulumi(args: FakePulumiArgs = {}): Promise<FakePulumi> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "aa-fake-pulumi-"));
  const root = path.join(base, "cli");
  const projectDir = path.join(base, "project");
  fs.mkdirSync(path.join(root, "bin"), { recursive: true });
  fs.mkdirSync(path.join(projectDir, "stacks"), { recursive: true });
  fs.copyFileSync(path.join(REPO, "Pulumi.yaml"), path.join(projectDir, "Pulumi.yaml"));
  for (const file of fs.readdirSync(path.join(REPO, "stacks"))) {
    fs.copyFileSync(path.join(REPO, "stacks", file), path.join(projectDir, "stacks", file));
  }

  const statePath = path.join(root, "state.json");
  const initial: FakeState = {
    version: args.version ?? "3.248.0",
    stacks: args.stacks ?? ["dev"],
    tags: {},
    outputs: {},
    replies: [],
  };
  fs.writeFileSync(statePath, JSON.stringify(initial, null, 2));
  const fake = require.resolve("./_fakePulumi");
  const bin = path.join(root, "bin", "pulumi");
  fs.writeFileSync(
    bin,
    `#!${process.execPath}\n` +
      `require(${JSON.stringify(fake)}).main(require("node:path").resolve(__dirname, ".."));\n`,
  );
  fs.chmodSync(bin, 0o755);

  const state = (): FakeState => JSON.parse(fs.readFileSync(statePath, "utf8")) as FakeState;
  const save = (next: FakeState) => fs.writeFileSync(statePath, JSON.stringify(next, null, 2));
  const calls = (): FakeCall[] => {
    const file = path.join(root, "calls.jsonl");
    if (!fs.existsSync(file)) return [];
    return fs
      .readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => JSON.parse(line) as FakeCall);
  };

  const command = await PulumiCommand.get({ root, skipVersionCheck: args.skipVersionCheck });
  return {
    root,
    projectDir,
    command,
    reply: (reply) => {
      const next = state();
      next.replies.push(reply);
      save(next);
    },
    calls,
    callsOf: (...tokens) => calls().filter((c) => containsInOrder(c.argv, tokens)),
    state,
    stackFile: (env) =>
      fs.readFileSync(path.join(projectDir, "stacks", `Pulumi.${env}.yaml`), "utf8"),
    setOutputs: (env, outputs) => {
      const next = state();
      next.outputs[env] = outputs;
      save(next);
    },
    setTags: (env, tags) => {
      const next = state();
      next.tags[env] = { ...tags };
      save(next);
    },
    cleanup: () => fs.rmSync(base, { recursive: true, force: true }),
  };
}

function containsInOrder(argv: readonly string[], tokens: readonly string[]): boolean {
  let at = 0;
  for (const token of tokens) {
    at = argv.indexOf(token, at);
    if (at < 0) return false;
    at++;
  }
  return true;
}
