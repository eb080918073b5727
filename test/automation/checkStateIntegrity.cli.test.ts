import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { CheckReport } from "../../automation/check/report";
import type { SarifLog } from "../../automation/check/sarif";
import { aa, hasStackTrace } from "../_cli";
import { assertValidSarif } from "./check/_sarifShape";
import { sizedEnvironmentExport, type ExportBuilder } from "./stackExport/_exportFixture";

// `aa check --state` on states whose resources do not form a sound graph, as a user runs it:
// refused with exit 2 where the graph has no single reading, else warned about in every output
// while the audit goes on. The export is a compliant three-cluster environment (exit 0).

/** The environment with one change, and where it is written. */
function exportWith(dir: string, name: string, change: (b: ExportBuilder) => void): string {
  const b = sizedEnvironmentExport(2);
  change(b);
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(b.document(), null, 2));
  return file;
}

/** A resource of the export by type and name. */
function resource(b: ExportBuilder, type: string, name: string) {
  const r = b.resources.find((x) => x.type === type && x.urn.endsWith(`::${name}`));
  assert.ok(r, `${type} ${name}`);
  return r;
}

const EKS = "eks:index:Cluster";
const AWS_EKS = "aws:eks/cluster:Cluster";
const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const K8S = "pulumi:providers:kubernetes";

describe("aa check --state on states that are not one sound graph", () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-integrity-cli-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs `aa check --state` on the file; asserts exit 2 and one message, and returns it. */
  const refused = (file: string): string => {
    const run = aa(["check", "--state", file]);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.equal(run.stdout, "");
    assert.ok(!hasStackTrace(run.stderr), run.stderr);
    assert.ok(run.stderr.startsWith(`aa: ${file} cannot be audited: `), run.stderr);
    return run.stderr;
  };

  const broken: [string, (b: ExportBuilder) => string[]][] = [
    [
      "two copies of one URN that differ",
      (b) => {
        const group = resource(b, NODE_GROUP, "prod-a-nodes");
        b.resources.push({ ...structuredClone(group), outputs: { scalingConfig: { maxSize: 9 } } });
        return [group.urn];
      },
    ],
    [
      "a cycle of dependencies",
      (b) => {
        const eks = resource(b, EKS, "prod-a");
        const k8s = resource(b, K8S, "prod-a-k8s");
        eks.dependencies = [k8s.urn];
        return [eks.urn, k8s.urn];
      },
    ],
    [
      "a cycle of parents",
      (b) => {
        const cluster = resource(b, AWS_EKS, "prod-b-eksCluster");
        const k8s = resource(b, K8S, "prod-b-k8s");
        cluster.parent = k8s.urn;
        k8s.parent = cluster.urn;
        return [cluster.urn, k8s.urn];
      },
    ],
    [
      "a resource that is its own parent",
      (b) => {
        const cluster = resource(b, AWS_EKS, "prod-c-eksCluster");
        cluster.parent = cluster.urn;
        return [cluster.urn];
      },
    ],
  ];
  for (const [what, change] of broken) {
    it(`refuses ${what} with exit 2, naming the URNs and the fix`, () => {
      let urns: string[] = [];
      const file = exportWith(dir, what.replace(/\W+/g, "-"), (b) => (urns = change(b)));
      const message = refused(file);
      for (const urn of urns) assert.ok(message.includes(urn), `${urn} in ${message}`);
      assert.match(message, /export the stack again \(`pulumi stack export`\)/);
      assert.match(message, /`pulumi stack import --file state\.json`/);
    });
  }

  it("goes on with warnings where the graph has one reading: text, --json and SARIF", () => {
    let group = "";
    let bucket = "";
    const file = exportWith(dir, "warnings", (b) => {
      const g = resource(b, NODE_GROUP, "prod-a-nodes");
      group = g.urn;
      b.resources.push(structuredClone(g)); // written twice alike
      g.dependencies = [...(g.dependencies ?? []), g.urn]; // and a self-dependency...
      b.resources[b.resources.length - 1].dependencies = g.dependencies; // ...on both copies
      const k = b.add({ type: "aws:s3/bucket:Bucket", name: "logs" });
      bucket = k.urn;
      k.parent = "urn:pulumi:prod::acme::my:index:Cell::gone"; // a parent not in the state
    });
    const text = aa(["check", "--state", file]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stderr, "");
    const lines = text.stdout.split("\n");
    assert.match(lines[0], /^read .*: a `pulumi stack export`, deployment version 3$/);
    assert.match(
      lines[1],
      /^integrity: 3 warning\(s\) about the state; each says how aa read it, and the audit went on$/,
    );
    assert.match(text.stdout, /! \[integrity\] duplicate\n/);
    assert.match(text.stdout, /environment prod \(.*\): 3 clusters, 36 resources/);

    const sarifFile = path.join(dir, "warnings.sarif");
    const json = aa(["check", "--state", file, "--json", "--sarif", sarifFile]);
    assert.equal(json.code, 0, json.stderr);
    const report = JSON.parse(json.stdout) as CheckReport;
    assert.deepEqual(
      report.integrity?.map((w) => [w.kind, w.urns[0]]),
      [
        ["duplicate", group],
        ["self-reference", group],
        ["missing-reference", bucket],
      ],
    );
    assert.equal(report.resources.filter((r) => r.urn === group).length, 1, "read once");
    const sarif = JSON.parse(fs.readFileSync(sarifFile, "utf8")) as SarifLog;
    assertValidSarif(sarif);
    const results = sarif.runs[0].results.filter((r) => r.ruleId === "state-integrity");
    assert.deepEqual(
      results.map((r) => [r.level, r.properties.urn]),
      [
        ["warning", group],
        ["warning", group],
        ["warning", bucket],
      ],
    );
  });

  it("gives the same report for the same state with its resources reversed", () => {
    const forward = exportWith(dir, "forward", () => undefined);
    const backward = exportWith(dir, "backward", (b) => b.resources.reverse());
    const read = (file: string) => {
      const run = aa(["check", "--state", file, "--json"]);
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as CheckReport;
      return {
        clusters: report.clusters,
        resources: [...report.resources].sort((a, b) => (a.urn < b.urn ? -1 : 1)),
        violations: report.violations,
        integrity: report.integrity,
      };
    };
    assert.deepEqual(read(backward), read(forward));
  });

  it("refuses outputs nested 100,000 levels deep with exit 2, naming the resource and the limit", () => {
    const file = path.join(dir, "deep.json");
    let urn = "";
    const doc = JSON.stringify(
      (() => {
        const b = sizedEnvironmentExport(2);
        const group = resource(b, NODE_GROUP, "prod-b-nodes");
        urn = group.urn;
        group.outputs = { deep: "@@DEEP@@" };
        return b.document();
      })(),
    );
    // Written as text: JSON.stringify itself cannot nest that deep.
    const deep = `${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`;
    fs.writeFileSync(file, doc.replace('"@@DEEP@@"', deep));
    const run = aa(["check", "--state", file]);
    assert.equal(run.code, 2, run.stderr);
    assert.ok(!hasStackTrace(run.stderr), run.stderr);
    assert.ok(
      run.stderr.startsWith(
        `aa: ${file} is not a stack export aa can read: ${urn}: its outputs.deep.a.a.a.a.a.a.a… ` +
          "is nested more than 500 levels deep",
      ),
      run.stderr,
    );
  });

  it("checks values nested to the limit through the pack's gRPC protocol too", () => {
    const file = path.join(dir, "at-limit.json");
    const doc = JSON.stringify(
      (() => {
        const b = sizedEnvironmentExport(2);
        const group = resource(b, NODE_GROUP, "prod-c-nodes");
        group.inputs = { ...group.inputs, deep: "@@DEEP@@" };
        group.outputs = { ...group.outputs, deep: "@@DEEP@@" };
        b.root.outputs = { deep: "@@DEEP@@" }; // the stack outputs: in the --json report
        return b.document();
      })(),
    );
    // The property map is the first level: 499 more objects inside it.
    const deep = `${'{"a":'.repeat(499)}1${"}".repeat(499)}`;
    fs.writeFileSync(file, doc.split('"@@DEEP@@"').join(deep));
    for (const analyzer of ["in-process", "grpc"]) {
      const sarif = path.join(dir, `at-limit-${analyzer}.sarif`);
      const run = aa([
        "check",
        "--state",
        file,
        "--json",
        "--sarif",
        sarif,
        "--analyzer",
        analyzer,
      ]);
      assert.equal(run.code, 0, `${analyzer}: ${run.stderr}`);
      const report = JSON.parse(run.stdout) as CheckReport;
      assert.ok(JSON.stringify(report.outputs).includes('{"a":'.repeat(499)));
    }
  });
});
