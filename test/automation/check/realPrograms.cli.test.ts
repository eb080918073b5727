import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";
import YAML from "yaml";
import type { CheckReport } from "../../../automation/check/report";
import { aa, hasStackTrace, ROOT } from "../../_cli";

/** The real programs (test/fixtures/real/programs, see its PROVENANCE.md). */
const CORPUS = path.join(ROOT, "test", "fixtures", "real", "programs");

interface RealProgram {
  /** Its directory in the corpus. */
  dir: string;
  /** The EKS clusters `aa check` must find, in the report's order (by name). */
  clusters: string[];
  /** The node groups `cluster.createNodeGroup` made, each with the cluster it belongs to. */
  createdNodeGroups?: [name: string, cluster: string][];
  /** Stack config the program requires, beside `aws:region`. */
  config?: Record<string, unknown>;
  /** Environment variables the program requires. */
  env?: Record<string, string>;
}

const NODE_GROUP_TYPES = [
  "eks:index:NodeGroup",
  "eks:index:NodeGroupV2",
  "eks:index:ManagedNodeGroup",
];

const PROGRAMS: RealProgram[] = [
  { dir: "aws-profile", clusters: ["example-aws-profile"], env: { AWS_REGION: "us-west-2" } },
  {
    dir: "cluster-input-validations",
    clusters: ["c"],
    config: {
      "cluster-input-validations:property": "instanceRoles",
      "cluster-input-validations:n": 1,
    },
  },
  { dir: "deletion-policy", clusters: ["deletion-policy-1"] },
  { dir: "extra-sg", clusters: ["extra-sg"], createdNodeGroups: [["example-ng", "extra-sg"]] },
  { dir: "managed-ng-aws-auth", clusters: ["managed-ng-aws-auth"] },
  { dir: "managed-ng-missing-role", clusters: ["managed-ng-missing-role"] },
  { dir: "modify-default-eks-sg", clusters: ["modify-default-eks-sg"] },
  {
    dir: "nodegroup",
    clusters: ["example-nodegroup-iam-advanced", "example-nodegroup-iam-simple"],
    createdNodeGroups: [
      ["example-ng-simple-ondemand", "example-nodegroup-iam-simple"],
      ["example-ng-advanced-ondemand", "example-nodegroup-iam-advanced"],
    ],
  },
  { dir: "oidc-iam-sa", clusters: ["example-oidc-iam-sa"] },
  { dir: "scoped-kubeconfigs", clusters: ["scoped-kubeconfigs"] },
  { dir: "storage-classes", clusters: ["example-storage-classes-1", "example-storage-classes-2"] },
  { dir: "tag-input-types", clusters: ["test-tag-input-types"] },
  {
    dir: "tags",
    clusters: ["example-tags-cluster1", "example-tags-cluster2"],
    createdNodeGroups: [["example-ng-tags-ondemand", "example-tags-cluster2"]],
  },
];

/**
 * Copies a corpus program into `into`, its TypeScript transpiled to JavaScript as the Pulumi CLI
 * would run it (CommonJS), with a stack file that gives it the config it needs.
 */
function prepare(program: RealProgram, into: string): void {
  fs.mkdirSync(into, { recursive: true });
  for (const file of fs.readdirSync(path.join(CORPUS, program.dir))) {
    const text = fs.readFileSync(path.join(CORPUS, program.dir, file), "utf8");
    if (!file.endsWith(".ts")) {
      fs.writeFileSync(path.join(into, file), text);
      continue;
    }
    const js = ts.transpileModule(text, {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2020,
        esModuleInterop: true,
      },
    });
    fs.writeFileSync(path.join(into, file.replace(/\.ts$/, ".js")), js.outputText);
  }
  fs.writeFileSync(
    path.join(into, "Pulumi.offline.yaml"),
    YAML.stringify({ config: { "aws:region": "us-west-2", ...program.config } }),
  );
}

describe("aa check --program on real Pulumi programs that use @pulumi/eks", () => {
  let scratch: string;
  before(() => {
    // Inside the repository: the programs' `@pulumi/*` resolve to the packages aa uses.
    fs.mkdirSync(path.join(ROOT, ".aa-scratch"), { recursive: true });
    scratch = fs.mkdtempSync(path.join(ROOT, ".aa-scratch", "real-"));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it("has every program of the corpus in this table, and the table's only in the corpus", () => {
    const dirs = fs
      .readdirSync(CORPUS, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    assert.deepEqual(PROGRAMS.map((p) => p.dir).sort(), dirs.sort());
  });

  for (const program of PROGRAMS) {
    it(`${program.dir}: a report (exit 0 or 1) with its clusters ${program.clusters.join(", ")}`, () => {
      const dir = path.join(scratch, program.dir);
      prepare(program, dir);
      const r = aa(
        ["check", "--stack-file", "Pulumi.offline.yaml", "--program", "index.js", "--json"],
        { cwd: dir, env: program.env },
      );
      assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr.slice(0, 2000)}`);
      assert.ok(!hasStackTrace(r.stderr), r.stderr.slice(0, 2000));
      // Only what the program logged, a line per message.
      for (const line of r.stderr.split("\n").filter(Boolean)) {
        assert.match(line, /^aa: program index\.js: (info|warning|error): /);
      }
      const report = JSON.parse(r.stdout) as CheckReport;
      assert.equal(report.environment, "offline");
      assert.deepEqual(
        report.clusters.map((c) => c.name),
        program.clusters,
      );
      if (r.code === 1) assert.ok(report.violations.some((v) => v.level === "mandatory"));
      else assert.ok(report.violations.every((v) => v.level !== "mandatory"));
      // A node group given only its cluster (`new eks.NodeGroupV2(name, {cluster})`) is that
      // cluster's: the SDK leaves the reference out of a remote component's dependencies.
      for (const group of report.resources.filter((x) => NODE_GROUP_TYPES.includes(x.type))) {
        assert.ok(group.cluster, `${group.type} ${group.name} belongs to a cluster`);
      }
      for (const [name, cluster] of program.createdNodeGroups ?? []) {
        const group = report.resources.find(
          (x) => x.type === "eks:index:NodeGroup" && x.name === name,
        );
        assert.equal(group?.cluster, cluster, `${name} belongs to ${cluster}`);
      }
    });
  }
});
