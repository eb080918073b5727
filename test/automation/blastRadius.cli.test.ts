import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { BlastRadiusReport } from "../../automation/blastRadius/steps";
import { aa, hasStackTrace } from "../_cli";
import { deployedEnvironmentExport } from "./stackExport/_exportFixture";
import { eventLog, previewJson, realisticStream, type StepSpec } from "./automationApi/_realEvents";
import { clusterUrns } from "./automationApi/_stackFixtures";

const a = clusterUrns("dev", "a");
const b = clusterUrns("dev", "b");

/** The `aa blast-radius --json` document. */
type BlastRadiusJson = BlastRadiusReport & { environment: string };
const versionBumpOfB: StepSpec[] = [
  { op: "same", urn: a.eks, parent: a.cell },
  { op: "same", urn: b.eks, parent: b.cell },
  { op: "update", urn: b.eksCluster, parent: b.eks },
  { op: "update", urn: b.nodes, parent: b.cell },
];

describe("aa blast-radius (as a user runs it)", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-blast-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };

  it("says a `pulumi preview --json` of b's version bump touches b only (exit 0)", () => {
    const file = write(
      "preview.json",
      JSON.stringify(previewJson(versionBumpOfB, { stack: "dev" })),
    );
    const r = aa(["blast-radius", "dev", "--events", file, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as BlastRadiusJson;
    assert.deepEqual(
      { ...report, changes: undefined },
      {
        environment: "dev",
        clusters: ["b"],
        environmentLevel: [],
        unmapped: [],
        changes: undefined,
      },
    );
    assert.deepEqual(report.changes.find((c) => c.urn === b.eksCluster)?.owner, {
      kind: "cluster",
      cluster: "b",
      via: "parent",
    });
  });

  it("refuses an event log on stdin that touches two clusters (exit 1), naming aa rollout", () => {
    const log = eventLog(
      realisticStream([...versionBumpOfB, { op: "update", urn: a.eksCluster, parent: a.eks }], {
        preview: true,
        stack: "dev",
        internal: { defaultProviders: "update" },
      }),
    );
    const r = aa(["blast-radius", "dev", "--events", "-"], { input: log });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /cluster b: 2 resource\(s\)/);
    assert.match(r.stdout, /cluster a: 1 resource\(s\)/);
    assert.match(
      r.stdout,
      /engine plumbing \(default providers, the stack\): 2, touches no cluster/,
    );
    assert.match(r.stdout, /result: touches 2 clusters \(b, a\).*`aa rollout dev`/);
  });

  it("lists a change that maps to no cluster with why, and exits 1", () => {
    const bucket = "urn:pulumi:dev::active-active::aws:s3/bucket:Bucket::scratch";
    const file = write(
      "stray.jsonl",
      eventLog(realisticStream([{ op: "create", urn: bucket }], { preview: true, stack: "dev" })),
    );
    const r = aa(["blast-radius", "dev", "--events", file, "--json"]);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as BlastRadiusJson;
    assert.deepEqual(report.clusters, []);
    assert.equal(report.unmapped[0].urn, bucket);
    assert.match(report.unmapped[0].reason, /not in the program's resource graph/);
  });

  it("takes the graph from a stack export with --state, and the environment from it", () => {
    const exported = deployedEnvironmentExport();
    const state = write("export.json", JSON.stringify(exported.document()));
    const child = exported.resources.find((r) => r.urn.endsWith("::prod-b-eksCluster"))!;
    const steps: StepSpec[] = [{ op: "update", urn: child.urn, parent: child.parent }];
    const file = write(
      "prod.json",
      JSON.stringify(previewJson(steps, { stack: "prod", config: {} })),
    );
    const r = aa(["blast-radius", "--events", file, "--state", state, "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as BlastRadiusJson;
    assert.equal(report.environment, "prod");
    assert.deepEqual(report.clusters, ["b"]);
    assert.equal(
      (report.changes[0].owner as { via?: string }).via,
      "graph",
      "a deployed stack's export has the child",
    );

    const wrong = aa(["blast-radius", "dev", "--events", file, "--state", state]);
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /is an export of stack "prod", not of environment "dev"/);
  });

  it("checks the --state export's integrity first: warnings on stderr, a broken graph exit 2", () => {
    const exported = deployedEnvironmentExport();
    const child = exported.resources.find((r) => r.urn.endsWith("::prod-b-eksCluster"))!;
    const bucket = exported.resources.find((r) => r.urn.endsWith("::old-logs"))!;
    const stray = exported.resources.find((r) => r.urn.endsWith("::stray"))!;
    stray.dependencies = ["urn:pulumi:prod::acme::aws:kms/key:Key::gone"];
    const steps: StepSpec[] = [{ op: "update", urn: child.urn, parent: child.parent }];
    const file = write(
      "steps.json",
      JSON.stringify(previewJson(steps, { stack: "prod", config: {} })),
    );
    const warned = aa([
      "blast-radius",
      "--events",
      file,
      "--state",
      write("w.json", JSON.stringify(exported.document())),
      "--json",
    ]);
    assert.equal(warned.code, 0, warned.stderr);
    assert.deepEqual((JSON.parse(warned.stdout) as BlastRadiusJson).clusters, ["b"]);
    assert.ok(
      warned.stderr.startsWith(`aa: warning: ${stray.urn} refers to what the state does not hold`),
      warned.stderr,
    );
    // Two live copies of the bucket (beside its copy pending deletion) that differ: no single
    // reading of the graph.
    exported.resources.push({ ...structuredClone(bucket), delete: undefined });
    exported.resources.push({
      ...structuredClone(bucket),
      delete: undefined,
      outputs: { id: "x" },
    });
    const broken = aa([
      "blast-radius",
      "--events",
      file,
      "--state",
      write("b.json", JSON.stringify(exported.document())),
    ]);
    assert.equal(broken.code, 2, broken.stderr);
    assert.ok(!hasStackTrace(broken.stderr), broken.stderr);
    assert.match(
      broken.stderr,
      /cannot be audited: .*\n {2}- urn:\S+::old-logs is written 2 times/,
    );
  });

  it("exits 2 with the fix on input that is not a preview, no stack trace", () => {
    const cases: [string[], RegExp][] = [
      [
        ["--events", write("junk.txt", "not json at all\n")],
        /line 1 is not JSON.*pulumi preview --json/,
      ],
      [["--events", write("obj.json", '{"resources": []}')], /is a JSON object but not a preview/],
      [
        [
          "--events",
          write(
            "cut.jsonl",
            eventLog(realisticStream(versionBumpOfB, { preview: true, stack: "dev" }))
              .split("\n")
              .slice(0, 4)
              .join("\n"),
          ),
        ],
        /has no summary event: the preview did not finish or the log was cut/,
      ],
      [
        ["--events", path.join(dir, "missing.json")],
        /does not exist; write it with `pulumi preview --json/,
      ],
      [[], /required option '--events <file>' not specified/],
    ];
    for (const [args, message] of cases) {
      const r = aa(["blast-radius", "dev", ...args]);
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.ok(!hasStackTrace(r.stderr), r.stderr);
    }
  });

  it("has --help with examples and exit codes", () => {
    const r = aa(["blast-radius", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: aa blast-radius \[options\] \[env\]/);
    assert.match(r.stdout, /Exit codes:\n {2}0 {2}the change touches at most one cluster/);
  });
});
