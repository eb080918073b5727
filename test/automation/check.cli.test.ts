import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import type { CheckReport } from "../../automation/check/report";
import { aa, hasStackTrace, ROOT } from "../_cli";
import { clusterFixture, environmentFixture, stackConfigFixture } from "../_fixtures";

function writeStack(name: string, config: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-check-"));
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  fs.writeFileSync(file, YAML.stringify({ config }));
  return file;
}

describe("aa check (as a user runs it)", () => {
  it("prints the dev environment's three clusters", () => {
    const r = aa(["check", "dev"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /environment dev \(stacks\/Pulumi\.dev\.yaml\): 3 clusters/);
    for (const cluster of ["a", "b", "c"]) {
      assert.match(r.stdout, new RegExp(`│ ${cluster}\\s+│ 1\\s+│ 33%\\s+│ 1\\.33`));
    }
    assert.match(r.stdout, /environment-level resources/);
  });

  it("prints exactly the documented JSON with --json, every resource with its cluster", () => {
    const r = aa(["check", "prod", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    // Piped, not a terminal: one compact document on one line.
    assert.match(r.stdout, /^\{"environment":"prod",[^\n]*\}\n$/);
    const report = JSON.parse(r.stdout) as CheckReport;
    assert.deepEqual(Object.keys(report), [
      "environment",
      "clusters",
      "resources",
      "violations",
      "outputs",
    ]);
    assert.equal(report.environment, "prod");
    assert.deepEqual(report.violations, []);
    assert.deepEqual(
      report.clusters.map((c) => Object.keys(c)),
      Array(3).fill(["name", "weight", "kubernetesVersion", "resources"]),
    );
    assert.deepEqual(
      report.clusters.map((c) => c.name),
      ["a", "b", "c"],
    );
    for (const resource of report.resources) {
      assert.deepEqual(Object.keys(resource), [
        "urn",
        "type",
        "name",
        "parent",
        "provider",
        "cluster",
        "dependencies",
      ]);
    }
    const counted = report.clusters.reduce((n, c) => n + c.resources, 0);
    const owned = report.resources.filter((r) => r.cluster).length;
    assert.equal(counted, owned);
    const deployments = report.resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment");
    assert.deepEqual(deployments.map((d) => d.cluster).sort(), ["a", "a", "b", "b", "c", "c"]);
  });

  it("carries the stack outputs as `pulumi stack output --json` prints them, secrets as [secret]", () => {
    const r = aa(["check", "dev", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    // The program's outputs, as the test expects them (the assertions check them).
    const { outputs } = JSON.parse(r.stdout) as CheckReport & {
      outputs: { clusters: { name: string; kubernetesVersion: string }[] };
    };
    assert.deepEqual(Object.keys(outputs).sort(), [
      "clusters",
      "environment",
      "kubeconfigs",
      "rollout",
    ]);
    assert.equal(outputs.environment, "dev");
    assert.equal(outputs.kubeconfigs, "[secret]", "a secret output is masked whole");
    assert.doesNotMatch(r.stdout, /apiVersion: v1|client\.authentication|certificate-authority/);
    assert.equal(outputs.rollout, null);
    assert.deepEqual(
      outputs.clusters.map((c) => [c.name, c.kubernetesVersion]),
      [
        ["a", "1.33"],
        ["b", "1.33"],
        ["c", "1.33"],
      ],
    );

    // `aa plan --deployed` reads it as it reads `pulumi stack output --json`.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-check-outputs-"));
    const file = path.join(dir, "check.json");
    fs.writeFileSync(file, r.stdout);
    const plan = aa(["plan", "dev", "--deployed", file, "--json"]);
    assert.equal(plan.code, 0, plan.stderr);
    assert.deepEqual((JSON.parse(plan.stdout) as { done: string[] }).done, ["a", "b", "c"]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("reads a stack file anywhere with --stack-file, naming the stack after the file", () => {
    const file = writeStack("qa", stackConfigFixture());
    const r = aa(["check", "--stack-file", file, "--json"], { cwd: os.tmpdir() });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as CheckReport).environment, "qa");
  });

  it("exits 2 with the field, the value and the fix on a broken stack file, no stack trace", () => {
    const file = writeStack(
      "broken",
      stackConfigFixture(
        environmentFixture({
          clusters: [clusterFixture("a", 0), clusterFixture("b", 1, { weight: 999 })],
        }),
      ),
    );
    const r = aa(["check", "--stack-file", file]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /active-active:clusters\[1\]\.weight: 999 is above 255/);
    assert.ok(!hasStackTrace(r.stderr), r.stderr);
  });

  it("exits 2 on YAML that does not parse, a missing file, an unknown environment", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-check-"));
    const bad = path.join(dir, "Pulumi.bad.yaml");
    fs.writeFileSync(bad, "config: [\n");
    for (const args of [
      ["check", "--stack-file", bad],
      ["check", "--stack-file", path.join(dir, "missing.yaml")],
      ["check", "nope"],
      ["check"],
      ["check", "dev", "--stack-file", bad],
      ["frobnicate"],
    ]) {
      const r = aa(args);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.ok(r.stderr.length > 0);
      assert.ok(!hasStackTrace(r.stderr), r.stderr);
    }
    assert.match(aa(["check", "nope"]).stderr, /known environments: dev, prod, staging/);
  });

  it("has --help for the tool and for check", () => {
    const top = aa(["--help"]);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /check \[options\] \[env\]/);
    const check = aa(["check", "--help"]);
    assert.equal(check.code, 0);
    assert.match(check.stdout, /--stack-file <file>/);
    assert.match(check.stdout, /--debug +on a failure, also print its stack trace/);
    assert.match(
      check.stdout,
      /Exit codes:\n {2}0 {2}ok \(advisory findings allowed\)\n {2}1 {2}mandatory policy violations, listed in the report\n {2}2 {2}invalid config, state file or usage, or a --program that fails\n {2}3 {2}internal error/,
    );
  });

  it("finds the project from a subdirectory", () => {
    const r = aa(["check", "staging", "--json"], { cwd: path.join(ROOT, "components") });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as CheckReport).environment, "staging");
  });
});
