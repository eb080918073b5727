import * as assert from "node:assert/strict";
import { ExitCode } from "../../../automation/exitCodes";
import { fromStackExport, StackExportError } from "../../../automation/stackExport/stackExport";
import {
  checkStateIntegrity,
  type CheckedState,
} from "../../../automation/stackExport/stateIntegrity";
import { GraphIndex } from "../../../graph/graphIndex";
import { clusterMembership } from "../../../graph/membership";
import { deployedEnvironmentExport, ExportBuilder, type ExportResource } from "./_exportFixture";

/** Reads an export document and checks its integrity, as `aa check --state` does. */
function checked(doc: unknown): CheckedState {
  const exported = fromStackExport(doc, "state.json");
  return checkStateIntegrity(exported, new GraphIndex(exported.nodes), "state.json");
}

/** The StackExportError the check refuses a document with (fails when it does not). */
function refusal(doc: unknown): StackExportError {
  try {
    checked(doc);
  } catch (err) {
    assert.ok(err instanceof StackExportError, String(err));
    assert.equal(err.exit, ExitCode.Usage);
    return err;
  }
  assert.fail("the state was not refused");
}

/** A copy of a resource as the file holds it. */
const copyOf = (r: ExportResource): ExportResource => structuredClone(r);

/**
 * A small environment: a VPC, one EKS cluster in it with its Kubernetes provider and a
 * Deployment on it, and a bucket; the builder and its resources for changing one field.
 */
function environment() {
  const b = new ExportBuilder();
  const aws = b.add({ type: "pulumi:providers:aws", name: "default_7_48_0", inputs: {} });
  const vpc = b.add({ type: "aws:ec2/vpc:Vpc", name: "vpc", provider: aws });
  const eks = b.add({
    type: "aws:eks/cluster:Cluster",
    name: "a",
    provider: aws,
    uses: { vpcConfig: [vpc] },
    inputs: { tags: { "active-active/cluster": "a" } },
  });
  const k8s = b.add({
    type: "pulumi:providers:kubernetes",
    name: "a-k8s",
    uses: { kubeconfig: [eks] },
  });
  const web = b.add({ type: "kubernetes:apps/v1:Deployment", name: "web", provider: k8s });
  const bucket = b.add({ type: "aws:s3/bucket:Bucket", name: "logs", provider: aws });
  return { b, aws, vpc, eks, k8s, web, bucket };
}

describe("a state's integrity, checked before the policies run", () => {
  it("finds nothing wrong in a sound export, resources pending deletion included", () => {
    assert.deepEqual(checked(deployedEnvironmentExport().document()).warnings, []);
    assert.deepEqual(checked(environment().b.document()).warnings, []);
  });

  it("accepts the copy a create-before-delete replacement leaves, before or after the new one", () => {
    for (const before of [true, false]) {
      const { b, vpc, eks } = environment();
      // The old VPC, replaced: "delete": true, with other outputs; the cluster uses the URN.
      const old = { ...copyOf(vpc), delete: true, outputs: { id: "vpc-old" } };
      b.resources.splice(before ? b.resources.indexOf(vpc) : b.resources.length, 0, old);
      const state = checked(b.document());
      assert.deepEqual(state.warnings, [], before ? "old copy first" : "old copy last");
      assert.equal(state.nodes.filter((n) => n.urn === vpc.urn).length, 1);
      assert.equal(clusterMembership(state.nodes).clusterOf.get(vpc.urn), eks.urn);
    }
  });

  it("does not count a reference to a resource pending deletion as missing", () => {
    const { b, bucket } = environment();
    const old = b.add({ type: "aws:sns/topic:Topic", name: "old-topic" });
    old.delete = true;
    bucket.dependencies = [old.urn];
    assert.deepEqual(checked(b.document()).warnings, []);
  });

  it("reads a resource written twice alike once, and says where the copies are", () => {
    const { b, vpc } = environment();
    const old = b.add({ type: "aws:sns/topic:Topic", name: "old-topic" });
    old.delete = true; // before the copy in the file: the indexes count it
    b.resources.push(copyOf(vpc));
    const state = checked(b.document());
    assert.equal(state.nodes.filter((n) => n.urn === vpc.urn).length, 1);
    assert.equal(state.index.nodes, state.nodes);
    assert.deepEqual(
      state.warnings.map((w) => [w.kind, w.urns]),
      [["duplicate", [vpc.urn]]],
    );
    assert.match(
      state.warnings[0].message,
      /written 2 times alike \(deployment\.resources\[2\], deployment\.resources\[8\]\); aa reads it once/,
    );
  });

  it("refuses copies of one URN that differ (exit 2), naming it, where they are and how they differ", () => {
    const { b, vpc } = environment();
    b.resources.push({ ...copyOf(vpc), outputs: { id: "vpc-other" } });
    const err = refusal(b.document());
    assert.match(err.message, /^state\.json cannot be audited: /);
    assert.ok(err.message.includes(`${vpc.urn} is written 2 times`));
    assert.match(err.message, /\(deployment\.resources\[2\], deployment\.resources\[7\]\)/);
    assert.match(err.message, /differ in their outputs/);
    assert.match(err.message, /`pulumi stack import --file state\.json`/);
  });

  it("refuses a resource that is its own parent rather than inventing a cluster from it", () => {
    const { b, eks } = environment();
    eks.parent = eks.urn;
    const err = refusal(b.document());
    assert.ok(err.message.includes(`${eks.urn} is its own parent`));
  });

  it("refuses a cycle of parents and a cycle of dependencies at once, naming every URN", () => {
    const { b, vpc, bucket, k8s, eks } = environment();
    vpc.parent = bucket.urn;
    bucket.parent = vpc.urn;
    eks.dependencies = [...(eks.dependencies ?? []), k8s.urn];
    const err = refusal(b.document());
    const lines = err.message.split("\n").filter((l) => l.startsWith("  - "));
    assert.equal(lines.length, 2, err.message);
    assert.ok(lines[0].includes(`${vpc.urn}, ${bucket.urn} are each other's ancestors`), lines[0]);
    assert.ok(
      lines[1].includes(`${eks.urn} depends on ${k8s.urn}, whose dependencies include ${eks.urn}`),
      lines[1],
    );
  });

  it("reads a self-dependency without it, and says so", () => {
    const { b, bucket } = environment();
    bucket.dependencies = [bucket.urn];
    const state = checked(b.document());
    assert.deepEqual(
      state.warnings.map((w) => [w.kind, w.urns]),
      [["self-reference", [bucket.urn]]],
    );
    assert.match(
      state.warnings[0].message,
      /lists itself as its own dependency; aa reads it without/,
    );
  });

  it("reads references to resources the state does not hold as absent, and names each", () => {
    const { b, web, bucket } = environment();
    const gone = "urn:pulumi:prod::acme::pulumi:providers:kubernetes::gone-k8s";
    web.provider = `${gone}::0123`;
    bucket.parent = "urn:pulumi:prod::acme::my:index:Cell::gone-cell";
    bucket.dependencies = ["urn:pulumi:prod::acme::aws:kms/key:Key::gone-key"];
    const state = checked(b.document());
    assert.deepEqual(
      state.warnings.map((w) => [w.kind, w.urns]),
      [
        [
          "missing-reference",
          [
            bucket.urn,
            "urn:pulumi:prod::acme::my:index:Cell::gone-cell",
            "urn:pulumi:prod::acme::aws:kms/key:Key::gone-key",
          ],
        ],
        ["missing-reference", [web.urn, gone]],
      ],
    );
    assert.match(state.warnings[1].message, /its provider urn:\S+gone-k8s\. aa reads the resource/);
    assert.match(state.warnings[0].message, /run `pulumi state repair` on the stack/);
    // No cluster is made up for the Deployment whose provider is gone.
    assert.equal(clusterMembership(state.nodes, state.index).clusterOf.get(web.urn), undefined);
  });

  it("reports the integrity error the engine recorded in the state", () => {
    const doc = environment().b.document() as { deployment: Record<string, unknown> };
    doc.deployment.metadata = {
      integrity_error: {
        version: "3.130.0",
        command: "pulumi up --yes",
        error:
          "child resource urn:pulumi:prod::acme::aws:ec2/vpc:Vpc::vpc refers to missing parent",
      },
    };
    const [warning] = checked(doc).warnings;
    assert.equal(warning.kind, "recorded-integrity-error");
    assert.match(
      warning.message,
      /^the Pulumi engine recorded an integrity error in this state \(Pulumi CLI 3\.130\.0, `pulumi up --yes`\): child resource/,
    );
  });

  it("reports the operations the engine began and did not finish", () => {
    const { b, bucket } = environment();
    const doc = b.document() as { deployment: Record<string, unknown> };
    doc.deployment.pending_operations = [
      { resource: { urn: bucket.urn, type: bucket.type, custom: true }, type: "creating" },
    ];
    const [warning] = checked(doc).warnings;
    assert.deepEqual([warning.kind, warning.urns], ["pending-operations", [bucket.urn]]);
    assert.ok(warning.message.includes(`${bucket.urn} (creating)`));
    assert.match(warning.message, /`pulumi refresh`/);
  });

  for (const [what, deployment, message] of [
    [
      "pending operations that are not a list",
      { pending_operations: {} },
      /pending_operations" is not a list/,
    ],
    [
      "a pending operation without a resource",
      { pending_operations: [{ type: "creating" }] },
      /deployment\.pending_operations\[0\] is not an operation on a resource with a URN/,
    ],
    ["metadata that is not an object", { metadata: [] }, /"deployment\.metadata" is not an object/],
    [
      "an integrity error that is not an object",
      { metadata: { integrity_error: "x" } },
      /"deployment\.metadata\.integrity_error" is not an object/,
    ],
  ] as [string, Record<string, unknown>, RegExp][]) {
    it(`refuses ${what} with one message naming the field`, () => {
      const doc = { version: 3, deployment: { resources: [], ...deployment } };
      assert.throws(
        () => fromStackExport(doc, "state.json"),
        (err: Error) => err instanceof StackExportError && message.test(err.message),
      );
    });
  }

  it("finds the same, whatever the order of the resources in the file", () => {
    const { b, web, bucket, vpc } = environment();
    web.provider = "urn:pulumi:prod::acme::pulumi:providers:kubernetes::gone::0";
    bucket.dependencies = [bucket.urn];
    b.resources.push(copyOf(vpc));
    const forward = checked(b.document()).warnings;
    b.resources.reverse();
    const backward = checked(b.document()).warnings;
    const key = (w: { kind: string; urns: string[] }) => [w.kind, w.urns];
    assert.deepEqual(backward.map(key), forward.map(key));
  });
});
