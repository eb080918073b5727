import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import type { CheckReport } from "../../automation/check/report";
import { aa, hasStackTrace } from "../_cli";
import { assertValidSarif } from "./check/_sarifShape";
import { REAL_STATE_DIR, REAL_STATE_FILES } from "./stackExport/_realStateFiles";

describe("aa check --state on real state files (as a user runs it)", () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-state-cli-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const expected of REAL_STATE_FILES) {
    it(`checks ${expected.file}: the form read, the stack, no exit 2 or 3, valid SARIF`, () => {
      const file = path.join(REAL_STATE_DIR, expected.file);
      const sarif = path.join(dir, `${expected.file}.sarif`);
      const run = aa(["check", "--state", file, "--json", "--sarif", sarif]);
      // 0 or 1: the policies' findings on stacks that are not active-active environments.
      assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
      assert.equal(run.stderr, "");
      const report = JSON.parse(run.stdout) as CheckReport;
      assert.deepEqual(report.stateFile, {
        form: expected.form,
        version: expected.version,
        features: expected.features,
        gzip: false,
      });
      assert.equal(report.environment, expected.stack);
      assert.deepEqual(report.integrity, [], "a real state is sound: no integrity warning");
      assert.equal(report.resources.length, expected.resources);
      assert.deepEqual(
        report.clusters.map((c) => c.name),
        expected.clusters,
      );
      for (const v of report.violations) {
        assert.match(v.urn, /^urn:pulumi:[^:]+::[^:]+::.+::.+$/, `${v.policy} names a URN`);
      }
      assertValidSarif(JSON.parse(fs.readFileSync(sarif, "utf8")));
    });
  }

  it("attaches a finding on an empty stack to the stack's own URN and says which form it read", () => {
    const file = path.join(REAL_STATE_DIR, "checkpoint-new-stack-reproduce-12168.json");
    const run = aa(["check", "--state", file]);
    assert.equal(run.code, 1, run.stderr);
    const lines = run.stdout.split("\n");
    assert.match(
      lines[0],
      /^read \S*checkpoint-new-stack-reproduce-12168\.json: a DIY-backend checkpoint, deployment version 3$/,
    );
    assert.match(lines[1], /^environment dev \(.*\): 0 clusters, 0 resources$/);
    assert.match(run.stdout, /min-clusters \(environment-level, pulumi:pulumi:Stack unknown-dev\)/);
    const json = JSON.parse(aa(["check", "--state", file, "--json"]).stdout) as CheckReport;
    assert.deepEqual(
      json.violations.map((v) => v.urn),
      ["urn:pulumi:dev::unknown::pulumi:pulumi:Stack::unknown-dev"],
    );
  });

  it("judges the nodes of a real EKS export, not the bastion in the cluster's network", () => {
    // aws.eks.NodeGroup without a launch template: EKS's defaults. aws.ec2.Instance "my-bastion":
    // no cluster tag, no user data joining a cluster; a bastion, not a node.
    const file = path.join(REAL_STATE_DIR, "export-3.112.0-eks-iaac-pulumi.json");
    const report = JSON.parse(aa(["check", "--state", file, "--json"]).stdout) as CheckReport;
    const imds = report.violations.filter((v) => v.policy === "nodes-require-imdsv2");
    assert.deepEqual(
      imds.map((v) => v.urn.split("::").slice(-2).join(" ")),
      ["aws:eks/nodeGroup:NodeGroup my-node-group"],
    );
  });

  it("reads a real checkpoint gzipped, from a file and from standard input", () => {
    // Gzipped here, as a DIY backend with PULUMI_DIY_BACKEND_GZIP writes it.
    const plain = path.join(REAL_STATE_DIR, "checkpoint-v4-pulumi-testdata.json");
    const gz = zlib.gzipSync(fs.readFileSync(plain));
    const file = path.join(dir, "foo.json.gz");
    fs.writeFileSync(file, gz);
    for (const [args, input] of [
      [["check", "--state", file], undefined],
      [["check", "--state", "-"], gz],
    ] as const) {
      const run = aa([...args], { input });
      assert.equal(run.code, 1, run.stderr);
      assert.match(
        run.stdout,
        /^read .*: a DIY-backend checkpoint \(gzip\), deployment version 4 \(features: refreshBeforeUpdate\)\n/,
      );
      assert.match(run.stdout, /environment foo \(.*\): 0 clusters, 30 resources/);
    }
  });

  it("refuses a file that is no state file with exit 2, saying what it reads", () => {
    const file = path.join(dir, "outputs.json");
    fs.writeFileSync(file, JSON.stringify({ vpcId: "vpc-1", clusters: [] }));
    const run = aa(["check", "--state", file]);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, "");
    assert.ok(!hasStackTrace(run.stderr), run.stderr);
    assert.equal(
      run.stderr,
      `aa: ${file} is not a Pulumi state file aa can read: it has neither a "deployment" nor a ` +
        '"checkpoint"; aa reads the output of `pulumi stack export` (deployment version 3 or 4) ' +
        "and DIY-backend checkpoints (.pulumi/stacks/<project>/<stack>.json, plain or gzipped)\n",
    );
    const v4 = path.join(REAL_STATE_DIR, "checkpoint-v4-pulumi-testdata.json");
    const newer = JSON.parse(fs.readFileSync(v4, "utf8")) as { features: string[] };
    newer.features.push("unsupported-feature");
    const refused = aa(["check", "--state", "-"], { input: JSON.stringify(newer) });
    assert.equal(refused.code, 2);
    assert.match(
      refused.stderr,
      /^aa: standard input is not a DIY-backend checkpoint aa can read: it uses the deployment feature "unsupported-feature", which aa cannot interpret/,
    );
  });
});
