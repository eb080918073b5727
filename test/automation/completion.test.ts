import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { aa, ROOT } from "../_cli";

/** Completes `line` (the words typed so far) with the generated bash script, as bash would. */
function bashComplete(script: string, words: string[]): string[] {
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), "aa-bin-"));
  // `aa` on PATH, as after `npm install -g`, so the script can ask for the environments.
  fs.writeFileSync(
    path.join(bin, "aa"),
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(path.join(ROOT, "dist/automation/cli.js"))} "$@"\n`,
    { mode: 0o755 },
  );
  const program = [
    script,
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")})`,
    `COMP_CWORD=${words.length - 1}`,
    "_aa",
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join("\n");
  const r = spawnSync("bash", ["-c", program], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split("\n").filter(Boolean);
}

describe("shell completion", () => {
  const bash = aa(["completion", "bash"]).stdout;

  it("prints a bash script that bash accepts", () => {
    const r = spawnSync("bash", ["-n"], { input: bash, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
  });

  it("completes commands, options, option values and environments in bash", () => {
    assert.deepEqual(bashComplete(bash, ["aa", "ro"]), ["rollout"]);
    assert.deepEqual(bashComplete(bash, ["aa", "rollout", "--sim"]), ["--simulate", "--sim-state"]);
    assert.deepEqual(bashComplete(bash, ["aa", "rollout", "--for"]), ["--force-unlock"]);
    assert.deepEqual(bashComplete(bash, ["aa", "ga"]), ["gameday"]);
    assert.deepEqual(bashComplete(bash, ["aa", "gameday", "--re"]), ["--recover-after"]);
    assert.deepEqual(bashComplete(bash, ["aa", "check", ""]).sort(), ["dev", "prod", "staging"]);
    assert.deepEqual(bashComplete(bash, ["aa", "status", "pr"]), ["prod"]);
    assert.deepEqual(bashComplete(bash, ["aa", "completion", "z"]), ["zsh"]);
    assert.ok(
      bashComplete(bash, ["aa", "check", "--stack-file", "stacks/Pulumi.d"]).includes(
        "stacks/Pulumi.dev.yaml",
      ),
    );
  });

  it("prints a zsh script with every command and option (zsh is not installed here: content only)", () => {
    const zsh = aa(["completion", "zsh"]);
    assert.equal(zsh.code, 0);
    assert.match(zsh.stdout, /^#compdef aa/);
    for (const command of ["check", "plan", "rollout", "gameday", "status", "completion"]) {
      assert.match(zsh.stdout, new RegExp(`'${command}:`));
    }
    assert.match(zsh.stdout, /'--simulate\[rehearse against a simulated environment/);
    assert.match(zsh.stdout, /'1:environment:_aa_environments'/);
  });

  it("refuses an unknown shell with exit 2", () => {
    const r = aa(["completion", "fish"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Allowed choices are bash, zsh/);
  });

  it("gives every command a man-style --help with examples and exit codes", () => {
    for (const command of [
      "check",
      "plan",
      "rollout",
      "status",
      "cost",
      "kubeconfig",
      "kubectl",
      "completion",
    ]) {
      const help = aa([command, "--help"]);
      assert.equal(help.code, 0, command);
      assert.match(help.stdout, /^Usage: aa /, command);
      assert.match(help.stdout, /\nExamples:\n {2}\S/, command);
      assert.match(help.stdout, /\nExit codes:\n {2}0 {2}/, command);
    }
  });
});
