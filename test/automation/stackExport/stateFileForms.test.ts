import * as assert from "node:assert/strict";
import { fromStackExport, StackExportError } from "../../../automation/stackExport/stackExport";
import { describeStateFile, FEATURES } from "../../../automation/stackExport/stateFile";
import { clusterMembership } from "../../../graph/membership";
import { deployedEnvironmentExport, ExportBuilder, type ExportResource } from "./_exportFixture";

/** The deployment of a `pulumi stack export` document, as a DIY backend's checkpoint holds it. */
function checkpointOf(
  b: ExportBuilder,
  stack: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const { deployment } = b.document();
  return { version: 3, ...extra, checkpoint: { stack, latest: deployment } };
}

/** The export as a CLI writes it when the stack uses version 4 features. */
function v4(b: ExportBuilder, features: string[]): Record<string, unknown> {
  return { ...b.document(), version: 4, features };
}

/** Sets fields a version 4 resource may carry, which the builder does not know. */
function withFields(r: ExportResource, fields: Record<string, unknown>): ExportResource {
  return Object.assign(r, fields);
}

function refusal(doc: unknown, message: RegExp): void {
  assert.throws(
    () => fromStackExport(doc, "prod.json"),
    (err: Error) =>
      err instanceof StackExportError && message.test(err.message) && !err.message.includes("\n"),
  );
}

describe("reading each form of Pulumi state a 3.x CLI writes", () => {
  it("reads a `pulumi stack export` of deployment version 3 and says so", () => {
    const read = fromStackExport(deployedEnvironmentExport().document(), "prod.json");
    assert.deepEqual(read.stateFile, {
      form: "stack-export",
      version: 3,
      features: [],
      gzip: false,
    });
    assert.equal(
      describeStateFile(read.stateFile),
      "a `pulumi stack export`, deployment version 3",
    );
  });

  it("reads a version 4 export with taint, hooks, replaceWith and refresh-before-update, fields ignored", () => {
    const b = new ExportBuilder();
    const bucket = b.add({ type: "aws:s3/bucket:Bucket", name: "logs" });
    withFields(bucket, {
      taint: true,
      refreshBeforeUpdate: true,
      resourceHooks: { beforeCreate: ["notify"] },
      replaceWith: [b.root.urn],
    });
    const features = ["hooks", "refreshBeforeUpdate", "replaceWith", "taint"];
    const read = fromStackExport(v4(b, features), "prod.json");
    assert.deepEqual(read.stateFile, { form: "stack-export", version: 4, features, gzip: false });
    const logs = read.nodes.find((n) => n.name === "logs");
    assert.ok(logs, "a tainted resource is live until it is replaced");
    assert.deepEqual(logs.dependencies, [], "replaceWith is no dependency");
    assert.equal(
      describeStateFile(read.stateFile),
      "a `pulumi stack export`, deployment version 4 (features: hooks, refreshBeforeUpdate, replaceWith, taint)",
    );
  });

  it("reads views as children of the resource they view, in that resource's cluster", () => {
    const b = deployedEnvironmentExport();
    const release = b.resources.find((r) => r.urn.endsWith("::prod-a-kyverno"));
    assert.ok(release);
    const view = (name: string, parent?: ExportResource) => {
      const r = b.add({ type: "kubernetes:apps/v1:Deployment", name, custom: false, parent });
      if (!parent) delete r.parent;
      return withFields(r, { viewOf: release.urn });
    };
    view("kyverno-admission", release);
    view("kyverno-cleanup"); // a view recorded without its parent
    const { nodes } = fromStackExport(v4(b, ["views"]), "prod.json");
    const membership = clusterMembership(nodes);
    for (const name of ["kyverno-admission", "kyverno-cleanup"]) {
      const node = nodes.find((n) => n.name === name);
      assert.equal(node?.parent, release.urn, name);
      assert.equal(node?.custom, false);
      assert.equal(
        membership.clusterOf.get(node.urn),
        "urn:pulumi:prod::acme::eks:index:Cluster::prod-a",
      );
    }
  });

  it("decodes byte strings (byteString) and numbers JSON cannot hold", () => {
    const b = new ExportBuilder();
    const sig = "4dabf18193072939515e22adb298388d";
    b.add({
      type: "aws:s3/bucketObject:BucketObject",
      name: "blob",
      outputs: {
        content: { [sig]: "803fd3297a5875dc03ca845dda5d2a98", value: "aGVsbG8=" },
        ratio: { [sig]: "8ad145fe-0d11-4827-bfd7-1abcbf086f5c", value: "7ff0000000000000" },
      },
    });
    const { nodes } = fromStackExport(v4(b, ["byteString"]), "prod.json");
    assert.deepEqual(nodes[1].outputs, { content: "hello", ratio: Infinity });
  });

  it("knows every feature Pulumi's deployment.go supports", () => {
    // pulumi/pulumi pkg/resource/stack/deployment.go, supportedFeatures (2026-08-21).
    assert.deepEqual(Object.keys(FEATURES).sort(), [
      "byteString",
      "extensionParameterization",
      "hooks",
      "refreshBeforeUpdate",
      "replaceWith",
      "snippets-prototype",
      "taint",
      "views",
    ]);
    const b = new ExportBuilder();
    const all = Object.keys(FEATURES);
    assert.deepEqual(fromStackExport(v4(b, all), "prod.json").stateFile.features, all);
  });

  it("refuses a feature it cannot interpret, naming it and the ones it reads", () => {
    const b = new ExportBuilder();
    refusal(
      v4(b, ["taint", "teleport"]),
      /^prod\.json is not a stack export aa can read: it uses the deployment feature "teleport", which aa cannot interpret \(it reads refreshBeforeUpdate, views, .*\); update aa/,
    );
    refusal(v4(b, ["teleport", "warp"]), /deployment features "teleport", "warp", which/);
    refusal({ ...v4(b, []), features: "taint" }, /its "features" is not a list of names/);
    refusal(
      { ...checkpointOf(b, "prod"), version: 4, features: ["teleport"] },
      /^prod\.json is not a DIY-backend checkpoint aa can read: it uses the deployment feature "teleport"/,
    );
  });

  it("reads a DIY-backend checkpoint, naming the stack after its qualified stack name", () => {
    const b = deployedEnvironmentExport();
    const read = fromStackExport(checkpointOf(b, "organization/acme/prod"), "prod.json");
    assert.equal(read.stack, "prod");
    assert.equal(read.project, "acme");
    assert.equal(
      read.nodes.length,
      fromStackExport(b.document(), "prod.json").nodes.length,
      "the same resources as its export",
    );
    assert.deepEqual(read.stateFile, { form: "checkpoint", version: 3, features: [], gzip: false });
    assert.equal(
      describeStateFile({ ...read.stateFile, gzip: true }),
      "a DIY-backend checkpoint (gzip), deployment version 3",
    );
    const v4checkpoint = checkpointOf(b, "prod", { version: 4, features: ["taint"] });
    assert.deepEqual(fromStackExport(v4checkpoint, "prod.json").stateFile.features, ["taint"]);
  });

  it("names an empty stack after the checkpoint, else the file, else stdin", () => {
    const empty = (stack: string, latest?: unknown) =>
      fromStackExport({ version: 3, checkpoint: { stack, latest } }, "s.json", undefined, "s.json");
    assert.deepEqual(
      [empty("organization/shop/prod").stack, empty("organization/shop/prod").project],
      ["prod", "shop"],
    );
    assert.deepEqual([empty("dev", null).stack, empty("dev", null).nodes], ["dev", []]);
    assert.equal(empty("").stack, "s", "a checkpoint without a stack name");
    // A DIY stack that was never deployed: created as version 0, exported as null.
    const created = { version: 0, checkpoint: { stack: "organization/shop/qa" } };
    const fresh = fromStackExport(created, "qa.json");
    assert.deepEqual([fresh.stack, fresh.stateFile.version], ["qa", 3]);
    const exported = { version: 3, deployment: null };
    const name = (file?: string) => fromStackExport(exported, "x", undefined, file).stack;
    assert.equal(name("state/.pulumi/stacks/shop/staging.json.gz"), "staging");
    assert.equal(name("C:\\exports\\prod-eu.json"), "prod-eu");
    assert.equal(name(), "stdin");
    assert.equal(fromStackExport(exported, "x").project, "unknown");
  });

  it("takes the stack's name from the resources when the checkpoint has none", () => {
    const b = new ExportBuilder("canary", "shop");
    const read = fromStackExport(checkpointOf(b, ""), "x.json", undefined, "x.json");
    assert.deepEqual([read.stack, read.project], ["canary", "shop"]);
  });

  it("names the checkpoint's fields in its messages", () => {
    const doc = {
      version: 3,
      checkpoint: { stack: "dev", latest: { resources: [{ type: "t" }] } },
    };
    refusal(
      doc,
      /^prod\.json is not a DIY-backend checkpoint aa can read: checkpoint\.latest\.resources\[0\]\.urn is missing/,
    );
    refusal({ version: 3, checkpoint: [] }, /its "checkpoint" is not an object/);
    refusal({ version: 3, checkpoint: { latest: 7 } }, /its "checkpoint.latest" is not an object/);
    refusal({ version: 3, checkpoint: { stack: 7 } }, /its "checkpoint.stack" is not a string/);
    refusal(
      { version: 0, checkpoint: { stack: "dev", latest: { resources: [] } } },
      /its "version" is 0, expected 3 or 4 .*re-save it with a current Pulumi CLI/,
    );
    refusal(
      { version: 3, deployment: "none" },
      /^prod\.json is not a stack export aa can read: its "deployment" is not an object/,
    );
  });

  it("refuses what is no state file with one message saying what it reads", () => {
    const accepted =
      /aa reads the output of `pulumi stack export` \(deployment version 3 or 4\) and DIY-backend checkpoints \(\.pulumi\/stacks\/<project>\/<stack>\.json, plain or gzipped\)$/;
    for (const doc of [[], "text", { version: 3 }, { stacks: [] }]) {
      refusal(doc, /^prod\.json is not a Pulumi state file aa can read: /);
      refusal(doc, accepted);
    }
    refusal({ version: 3 }, /it has neither a "deployment" nor a "checkpoint"/);
  });
});
