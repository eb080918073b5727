import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "../_cli";
import { PlanRefusal } from "../../automation/rollout/plan";
import { StepsInputError } from "../../automation/blastRadius/readSteps";
import { UsageError } from "../../automation/exitCodes";
import { KubeconfigError } from "../../automation/kube/kubeconfigDoc";
import { report } from "../../automation/main";
import { EvaluationError } from "../../automation/offline/evaluate";
import { ProgramError } from "../../automation/check/programError";
import {
  StackCommandError,
  StackError,
  StackEventsIncompleteError,
  StackLockedError,
  StackNotFoundError,
  StackOutputsError,
} from "../../automation/automationApi/errors";
import { RolloutLockError } from "../../automation/automationApi/lock";
import { StackExportError } from "../../automation/stackExport/stackExport";
import { LockFileHeldError } from "../../automation/files/lockFile";
import { SimStateError } from "../../automation/rollout/simulate/simStateFile";
import { ConfigError } from "../../config/errors";
import { RolloutRefusal } from "../../config/rolloutState";
import { AaError, ExitCode } from "../../errors/aaError";

/** One instance of every error class the CLI reports, with the exit code it must end with. */
const ERRORS: [AaError, number][] = [
  [new UsageError("u"), ExitCode.Usage],
  [new KubeconfigError("k"), ExitCode.Usage],
  [new ConfigError("stacks/Pulumi.dev.yaml", [{ field: "x", message: "y" }]), ExitCode.Usage],
  [new StackExportError("s"), ExitCode.Usage],
  [new StepsInputError("e"), ExitCode.Usage],
  [new SimStateError("f"), ExitCode.Usage],
  [new EvaluationError("p"), ExitCode.Internal],
  [new ProgramError("bin/index.js", new Error("boom")), ExitCode.Usage],
  [new RolloutRefusal("r"), ExitCode.Refused],
  [new PlanRefusal("p"), ExitCode.Refused],
  [new RolloutLockError("l", "dev"), ExitCode.Refused],
  [new LockFileHeldError("f"), ExitCode.Refused],
  [new StackError("s", "dev"), ExitCode.Stack],
  [new StackCommandError("dev", "pulumi preview", 255, "boom"), ExitCode.Stack],
  [new StackLockedError("dev", "pulumi up", 255, "locked"), ExitCode.Stack],
  [new StackNotFoundError("dev", "pulumi stack select", 255, "no stack"), ExitCode.Stack],
  [new StackEventsIncompleteError("dev", "preview", "event 2 lost"), ExitCode.Stack],
  [new StackOutputsError("dev", ["clusters: missing"]), ExitCode.Stack],
];

/** An Io that keeps what a command writes. */
function io() {
  const out = { stdout: "", stderr: "" };
  return {
    out,
    io: {
      stdout: (t: string) => void (out.stdout += t),
      stderr: (t: string) => void (out.stderr += t),
      stdoutIsTTY: false,
      stderrIsTTY: false,
    },
  };
}

describe("errors: every failure the CLI reports carries its exit code and a stable code", () => {
  it("gives each class its documented exit code, a unique AA_ code and its own name", () => {
    const codes = new Set<string>();
    for (const [err, exit] of ERRORS) {
      assert.ok(err instanceof AaError && err instanceof Error, err.name);
      assert.equal(err.exit, exit, err.name);
      assert.match(err.code, /^AA_[A-Z_]+$/, err.name);
      assert.ok(!codes.has(err.code), `${err.code} used twice`);
      codes.add(err.code);
      assert.equal(err.name, err.constructor.name);
    }
  });

  it("lists every code with its exit code in docs/cli.md", () => {
    const doc = fs.readFileSync(path.join(ROOT, "docs", "cli.md"), "utf8");
    for (const [err, exit] of ERRORS) {
      assert.match(doc, new RegExp(`\\| \`${err.code}\` +\\| ${exit} +\\|`), err.code);
    }
  });

  it("is reported by the CLI with one lookup: the message once, the error's exit code, no trace", () => {
    for (const [err, exit] of ERRORS) {
      const { out, io: sink } = io();
      const code = report(err, sink);
      assert.equal(code, exit, err.name);
      assert.equal(out.stderr, `aa: ${err.message}\n`, err.name);
    }
  });

  it("prints the trace of what an error was caused by only when asked for (--debug)", () => {
    const thrown = new Error("no VPC configured");
    const err = new ProgramError("bin/index.js", thrown);
    const quiet = io();
    assert.equal(report(err, quiet.io, false), ExitCode.Usage);
    assert.equal(quiet.out.stderr, `aa: ${err.message}\n`);
    const debug = io();
    assert.equal(report(err, debug.io, true), ExitCode.Usage);
    assert.equal(debug.out.stderr, `aa: ${err.message}\n${thrown.stack}\n`);
  });

  it("reports anything else as an internal error (exit 3) without a stack trace", () => {
    const { out, io: sink } = io();
    const code = report(new TypeError("x is undefined"), sink);
    assert.equal(code, ExitCode.Internal);
    assert.match(out.stderr, /^aa: internal error: x is undefined\naa: rerun with AA_DEBUG=1/);
  });
});
