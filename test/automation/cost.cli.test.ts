import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import YAML from "yaml";
import { LINE_ITEMS, type CostReport } from "../../automation/cost/model";
import { aa, hasStackTrace } from "../_cli";
import { environmentFixture, stackConfigFixture } from "../_fixtures";

function writeStack(name: string, config: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-cost-"));
  const file = path.join(dir, `Pulumi.${name}.yaml`);
  fs.writeFileSync(file, YAML.stringify({ config }));
  return file;
}

describe("aa cost (as a user runs it)", () => {
  it("prints the overhead of N-1, N and N+1 clusters for prod as a table", () => {
    const r = aa(["cost", "prod", "--as-of", "2026-03-01"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.match(
      r.stdout,
      /environment prod \(stacks\/Pulumi\.prod\.yaml\): what running 3 clusters costs/,
    );
    assert.match(r.stdout, /│ per month\s+│\s+N-1 = 2 \* │\s+N = 3 │\s+N\+1 = 4 │/);
    assert.match(r.stdout, /│ EKS control planes\s+│\s+\$73\.00 │\s+\$146\.00 │\s+\$219\.00 │/);
    assert.match(
      r.stdout,
      /│ Overhead vs\. one cluster\s+│\s+\$758\.81 │\s+\$849\.90 │\s+\$1,089\.15 │/,
    );
    assert.match(r.stdout, /│ Drain headroom per cluster\s+│\s+\+100% │\s+\+50% │\s+\+33% │/);
    assert.match(
      r.stdout,
      /One cluster serving everything: \$756\.81 per month on 7 m6i\.large node/,
    );
    assert.match(r.stdout, /! N-1 = 2: 2 clusters is below minClusters 3/);
    assert.match(r.stdout, /Assumptions:\n {2}- The services' requests/);
  });

  it("prints the documented JSON with --json", () => {
    const r = aa(["cost", "dev", "--json", "--as-of", "2026-03-01"]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as CostReport;
    assert.deepEqual(Object.keys(report), [
      "schemaVersion",
      "environment",
      "asOf",
      "currency",
      "hoursPerMonth",
      "configuredClusters",
      "minClusters",
      "prices",
      "regions",
      "node",
      "workload",
      "systemPods",
      "systemRequests",
      "single",
      "layouts",
      "assumptions",
      "notes",
    ]);
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.asOf, "2026-03-01");
    assert.deepEqual(
      report.layouts.map((l) => [l.label, l.clusters]),
      [
        ["N-1", 2],
        ["N", 3],
        ["N+1", 4],
      ],
    );
    for (const layout of [report.single, ...report.layouts]) {
      assert.deepEqual(Object.keys(layout), [
        "label",
        "clusters",
        "belowMinClusters",
        "perCluster",
        "nodes",
        "services",
        "items",
        "monthly",
        "overhead",
        "warnings",
      ]);
      assert.deepEqual(Object.keys(layout.items), [...LINE_ITEMS]);
      for (const item of Object.values(layout.items)) {
        assert.deepEqual(Object.keys(item as object), ["monthly", "overhead", "detail"]);
      }
      assert.deepEqual(Object.keys(layout.perCluster[0]), [
        "name",
        "weight",
        "share",
        "drainShare",
        "headroom",
        "kubernetesVersion",
        "region",
        "controlPlane",
        "nodes",
        "requests",
      ]);
    }
    assert.equal(report.layouts[1].overhead, 627.66);
  });

  it("exits 2 with the field, the value and the fix on a broken price table", () => {
    const file = writeStack(
      "qa",
      stackConfigFixture(environmentFixture({ costs: { eks: { standardPerHour: -1 } } })),
    );
    const r = aa(["cost", "--stack-file", file]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.match(
      r.stderr,
      /active-active:costs\.eks\.standardPerHour: -1 is below 0; a price per cluster-hour is 0 or more, e\.g\. 0\.10/,
    );
    assert.ok(!hasStackTrace(r.stderr));
  });

  it("exits 2 on a stack file that is not an environment, and on a bad --as-of", () => {
    const file = writeStack("qa", { "active-active:kubernetesVersion": 1.3 });
    const broken = aa(["cost", "--stack-file", file]);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /invalid environment config in .*Pulumi\.qa\.yaml/);
    assert.match(
      broken.stderr,
      /active-active:kubernetesVersion: expected a string, got the number 1\.3/,
    );
    assert.ok(!hasStackTrace(broken.stderr));

    const date = aa(["cost", "dev", "--as-of", "2026-02-30"]);
    assert.equal(date.code, 2);
    assert.match(date.stderr, /--as-of "2026-02-30" is not a date; write it as YYYY-MM-DD/);
  });

  it("explains itself in --help, with examples and exit codes", () => {
    const r = aa(["cost", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: aa cost \[options\] \[env\]/);
    assert.match(r.stdout, /Examples:\n {2}aa cost prod/);
    assert.match(r.stdout, /Exit codes:\n {2}0 {2}report printed\n {2}2 {2}invalid config/);
  });
});
