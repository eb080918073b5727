import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { readStackExport } from "../../../automation/stackExport/readStackExport";
import { clusterMembership } from "../../../graph/membership";
import { REAL_STATE_DIR, REAL_STATE_FILES } from "./_realStateFiles";

describe("reading real state files written by Pulumi CLIs (test/fixtures/real/state)", () => {
  it("holds exactly the listed files, each of them small", () => {
    const files = fs.readdirSync(REAL_STATE_DIR).filter((f) => f.endsWith(".json"));
    assert.deepEqual(files.sort(), REAL_STATE_FILES.map((f) => f.file).sort());
    const provenance = fs.readFileSync(path.join(REAL_STATE_DIR, "PROVENANCE.md"), "utf8");
    for (const f of files) {
      assert.ok(fs.statSync(path.join(REAL_STATE_DIR, f)).size < 1 << 20, f);
      assert.ok(provenance.includes(`\`${f}\``), `${f} has its provenance`);
    }
  });

  for (const expected of REAL_STATE_FILES) {
    it(`reads ${expected.file}: its form, stack, resources and clusters`, () => {
      const read = readStackExport(path.join(REAL_STATE_DIR, expected.file));
      assert.deepEqual(read.stateFile, {
        form: expected.form,
        version: expected.version,
        features: expected.features,
        gzip: false,
      });
      assert.deepEqual(
        [read.stack, read.project, read.nodes.length],
        [expected.stack, expected.project, expected.resources],
      );
      const membership = clusterMembership(read.nodes);
      assert.deepEqual(
        membership.clusters.map((c) => c.name),
        expected.clusters,
      );
      for (const node of read.nodes) {
        for (const urns of Object.values(node.propertyDependencies)) {
          assert.ok(Array.isArray(urns), `${node.urn}: property dependencies are lists`);
        }
      }
    });
  }

  it("reads the REST API docs' export, whose property dependency Go wrote as null", () => {
    const read = readStackExport(
      path.join(REAL_STATE_DIR, "export-2.22.0-pulumi-docs-rest-api.json"),
    );
    const vpc = read.nodes.find((n) => n.type === "aws:ec2/vpc:Vpc");
    assert.deepEqual(vpc?.propertyDependencies, { cidrBlock: [] });
    assert.equal(
      vpc?.provider,
      "urn:pulumi:dev-user1::demo-aws-ts-webserver::pulumi:providers:aws::default_3_32_0",
    );
  });

  it("reads the @pulumi/eks checkpoint's cluster with its Kubernetes version and Helm charts", () => {
    const read = readStackExport(
      path.join(REAL_STATE_DIR, "checkpoint-3.34.0-eks-iac-opal-fedramp.json"),
    );
    const eks = read.nodes.find((n) => n.type === "aws:eks/cluster:Cluster");
    assert.equal((eks?.outputs as { version?: string }).version, "1.22");
    assert.ok(read.nodes.some((n) => n.type === "kubernetes:helm.sh/v3:Chart"));
    assert.ok(!JSON.stringify(read.nodes).includes("ciphertext"), "secrets stay hidden");
  });

  it("reads a real checkpoint gzipped (as PULUMI_DIY_BACKEND_GZIP writes it) as the plain one", () => {
    // No gzipped checkpoint was found in a public repository: this one is gzipped here.
    const plain = path.join(REAL_STATE_DIR, "checkpoint-3.34.0-eks-iac-opal-fedramp.json");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-real-"));
    try {
      const gz = path.join(dir, "dev.json.gz");
      fs.writeFileSync(gz, zlib.gzipSync(fs.readFileSync(plain)));
      const read = readStackExport(gz);
      assert.equal(read.stateFile.gzip, true);
      assert.equal(read.nodes.length, readStackExport(plain).nodes.length);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
