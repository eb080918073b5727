import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";
import { PACKAGE_DIR } from "../../../automation/project";
import type { CheckReport } from "../../../automation/check/report";
import type { SarifLog } from "../../../automation/check/sarif";
import { assertValidSarif } from "../check/_sarifShape";
import { deployedEnvironmentExport, sizedEnvironmentExport } from "../stackExport/_exportFixture";

const AA = path.join(PACKAGE_DIR, "dist", "automation", "cli.js");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `aa` as a user does: a separate process, optionally fed on stdin. */
function aa(args: string[], cwd: string, stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [AA, ...args], { cwd, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? "");
  });
}

/** The dev stack file with one change: two of three clusters drained, the API open to all. */
function violatingStackFile(): string {
  const doc = YAML.parseDocument(
    fs.readFileSync(path.join(PACKAGE_DIR, "stacks", "Pulumi.dev.yaml"), "utf8"),
  );
  doc.setIn(["config", "active-active:clusters", 0, "weight"], 0);
  doc.setIn(["config", "active-active:clusters", 1, "weight"], 0);
  return doc.toString();
}

/** The dev stack file with one change: at most one node per cluster. */
function oneNodeStackFile(): string {
  const doc = YAML.parseDocument(
    fs.readFileSync(path.join(PACKAGE_DIR, "stacks", "Pulumi.dev.yaml"), "utf8"),
  );
  for (const key of ["minSize", "desiredSize", "maxSize"]) {
    doc.setIn(["config", "active-active:nodeGroup", key], 1);
  }
  return doc.toString();
}

describe("aa check with the policy pack, as a user runs it", () => {
  let dir: string;
  before(() => {
    fs.mkdirSync(path.join(PACKAGE_DIR, ".aa-scratch"), { recursive: true });
    dir = fs.mkdtempSync(path.join(PACKAGE_DIR, ".aa-scratch", "check-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("lists violations in the text output, writes SARIF and exits 1 on a violating stack file", async () => {
    fs.writeFileSync(path.join(dir, "Pulumi.drained.yaml"), violatingStackFile());
    const run = await aa(
      ["check", "--stack-file", "Pulumi.drained.yaml", "--sarif", "out.sarif"],
      dir,
    );
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /environment drained \(Pulumi.drained.yaml\): 3 clusters/);
    assert.match(
      run.stdout,
      /policies: 2 mandatory violation\(s\), 0 advisory \(14 policies checked\)/,
    );
    assert.match(
      run.stdout,
      /✗ \[mandatory\] traffic-reaches-all-clusters \(cluster a, aws:route53\/record:Record www.dev.example.com-a\)/,
    );
    assert.match(run.stdout, /sends no traffic \(weight 0\) to 2 clusters/);

    const sarif = JSON.parse(fs.readFileSync(path.join(dir, "out.sarif"), "utf8")) as SarifLog;
    assertValidSarif(sarif);
    const results = sarif.runs[0].results;
    assert.deepEqual(
      results.map((r) => r.ruleId),
      ["traffic-reaches-all-clusters", "traffic-reaches-all-clusters"],
    );
    // Each result points at its hostname's entry in the stack file.
    const lines = fs.readFileSync(path.join(dir, "Pulumi.drained.yaml"), "utf8").split("\n");
    for (const r of results) {
      const loc = r.locations[0].physicalLocation;
      assert.ok(loc, "a result in the stack file has a physical location");
      assert.equal(loc.artifactLocation.uri, "Pulumi.drained.yaml");
      assert.match(
        lines[(loc.region?.startLine ?? 0) - 1],
        /hostname: (www|api)\.dev\.example\.com/,
      );
    }
  });

  it("fills violations in --json and exits 1 for a stack file that deploys a service to two of three clusters (with a policy config)", async () => {
    const project = path.join(dir, "acme");
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(project, "Pulumi.yaml"),
      "name: acme\nruntime: nodejs\nmain: index.js\n",
    );
    fs.writeFileSync(
      path.join(project, "index.js"),
      `module.exports = require(${JSON.stringify(path.join(PACKAGE_DIR, "dist", "test", "_foreignProgram.js"))}).configuredProgram;\n`,
    );
    fs.writeFileSync(
      path.join(project, "Pulumi.shop.yaml"),
      YAML.stringify({
        config: {
          "aws:region": "us-east-1",
          "acme:clusters": ["east", "west", "north"],
          "acme:shopClusters": ["east", "west"],
        },
      }),
    );
    fs.writeFileSync(path.join(project, "policy.json"), '{"min-clusters": {"minClusters": 4}}');
    const run = await aa(
      [
        "check",
        "--stack-file",
        "Pulumi.shop.yaml",
        "--program",
        "index.js",
        "--policy-pack-config",
        "policy.json",
        "--json",
      ],
      project,
    );
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as CheckReport;
    assert.equal(report.environment, "shop");
    assert.deepEqual(
      report.clusters.map((c) => [c.name, c.kubernetesVersion]),
      [
        ["east", "1.33"],
        ["north", "1.33"],
        ["west", "1.33"],
      ],
      "by name",
    );
    assert.deepEqual(
      report.violations.map((v) => v.policy),
      ["min-clusters", "workload-on-all-clusters"],
      "the policy config raised minClusters to 4",
    );
    const workload = report.violations.filter((v) => v.policy === "workload-on-all-clusters");
    assert.equal(workload.length, 1, JSON.stringify(report.violations, null, 2));
    assert.deepEqual(Object.keys(workload[0]), ["policy", "level", "urn", "cluster", "message"]);
    assert.equal(workload[0].level, "mandatory");
    assert.equal(workload[0].cluster, "east");
    assert.equal(
      workload[0].urn,
      "urn:pulumi:shop::acme::kubernetes:apps/v1:Deployment::east-shop",
    );
    assert.match(
      workload[0].message,
      /Deployment default\/shop runs on cluster\(s\) "east" and "west" but not on "north"/,
    );
  });

  it("shows an advisory capacity finding, exits 0, and points SARIF at the node group", async () => {
    fs.writeFileSync(path.join(dir, "Pulumi.small.yaml"), oneNodeStackFile());
    const run = await aa(
      ["check", "--stack-file", "Pulumi.small.yaml", "--sarif", "small.sarif"],
      dir,
    );
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /policies: 0 mandatory violation\(s\), 1 advisory \(14 policies checked\)/,
    );
    assert.match(run.stdout, /! \[advisory\] capacity-n-minus-1 \(environment-level/);
    // The text output wraps messages: compare with white space folded.
    assert.match(run.stdout.replace(/\s+/g, " "), /Losing any one of clusters "a", "b" and "c"/);

    const sarif = JSON.parse(fs.readFileSync(path.join(dir, "small.sarif"), "utf8")) as {
      runs: { results: unknown[] }[];
    };
    assertValidSarif(sarif);
    const [result] = sarif.runs[0].results as {
      ruleId: string;
      level: string;
      locations: { physicalLocation: { region?: { startLine: number } } }[];
    }[];
    assert.deepEqual([result.ruleId, result.level], ["capacity-n-minus-1", "warning"]);
    const lines = fs.readFileSync(path.join(dir, "Pulumi.small.yaml"), "utf8").split("\n");
    const line = result.locations[0].physicalLocation.region?.startLine ?? 0;
    assert.match(lines[line - 1], /^ {2}active-active:nodeGroup:/);
  });

  it("shows the capacity finding of a stack export and exits 0 (advisory)", async () => {
    const state = JSON.stringify(sizedEnvironmentExport(1).document());
    const run = await aa(["check", "--state", "-"], dir, state);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      /policies: 0 mandatory violation\(s\), 1 advisory \(14 policies checked\)/,
    );
    assert.match(run.stdout, /capacity-n-minus-1/);
    assert.match(run.stdout.replace(/\s+/g, " "), /1 x m6i\.large offer at maxSize: 20m CPU short/);
    const enough = await aa(
      ["check", "--state", "-"],
      dir,
      JSON.stringify(sizedEnvironmentExport(2).document()),
    );
    assert.equal(enough.code, 0, enough.stderr);
    assert.match(enough.stdout, /policies: no violations \(14 policies checked\)/);
  });

  it("checks a stack export read from standard input", async () => {
    const state = JSON.stringify(deployedEnvironmentExport().document());
    const run = await aa(["check", "--state", "-", "--json"], dir, state);
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as CheckReport;
    assert.equal(report.environment, "prod");
    assert.deepEqual(
      report.clusters.map((c) => [c.name, c.kubernetesVersion, c.resources]),
      [
        ["a", "1.31", 5],
        ["b", "1.32", 4],
        ["c", "1.33", 4],
      ],
    );
    assert.deepEqual(
      report.violations.map((v) => v.policy),
      [
        "workload-on-all-clusters",
        "no-ambient-kubernetes-provider",
        "system-pods-per-cluster",
        "cluster-version-skew",
        "eks-endpoint-restricted",
      ],
    );
    assert.ok(!run.stdout.includes("ciphertext"), "secrets stay hidden");
  });

  it("exits 2 with one clear message on a malformed state file", async () => {
    fs.writeFileSync(
      path.join(dir, "broken.json"),
      '{"version": 3, "deployment": {"resources": [{"type": "x"}]}}',
    );
    const run = await aa(["check", "--state", "broken.json"], dir);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, "");
    assert.equal(
      run.stderr,
      'aa: broken.json is not a stack export aa can read: deployment.resources[0].urn is missing, expected "urn:pulumi:<stack>::<project>::<type>::<name>"\n',
    );
  });
});
