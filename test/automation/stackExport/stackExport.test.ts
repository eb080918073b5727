import { inspect } from "node:util";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { UsageError } from "../../../automation/exitCodes";
import { readStackExport } from "../../../automation/stackExport/readStackExport";
import { fromStackExport, StackExportError } from "../../../automation/stackExport/stackExport";
import { clusterMembership } from "../../../graph/membership";
import { deployedEnvironmentExport, ExportBuilder, type ExportResource } from "./_exportFixture";

describe("converting a pulumi stack export to the resource graph", () => {
  it("reads every live resource with its parent, provider, dependencies and properties", () => {
    const doc = deployedEnvironmentExport().document();
    const { stack, project, nodes } = fromStackExport(doc, "state.json");
    assert.equal(stack, "prod");
    assert.equal(project, "acme");
    assert.ok(!nodes.some((n) => n.name === "old-logs"), "a resource pending deletion is not live");

    const deployment = nodes.find((n) => n.name === "prod-a-shop");
    assert.ok(deployment);
    assert.equal(deployment.custom, true);
    assert.equal(deployment.parent, nodes[0].urn);
    assert.equal(
      deployment.provider,
      "urn:pulumi:prod::acme::pulumi:providers:kubernetes::prod-a-k8s",
      "the provider reference loses its id",
    );
    const eks = nodes.find(
      (n) => n.type === "aws:eks/cluster:Cluster" && n.name === "prod-c-eksCluster",
    );
    assert.ok(eks);
    assert.equal(eks.parent, "urn:pulumi:prod::acme::eks:index:Cluster::prod-c");
    assert.equal((eks.outputs as { version: string }).version, "1.33");

    const provider = nodes.find((n) => n.name === "prod-b-k8s");
    assert.deepEqual(provider?.propertyDependencies, {
      kubeconfig: ["urn:pulumi:prod::acme::eks:index:Cluster::prod-b"],
    });
    assert.deepEqual(provider?.dependencies, ["urn:pulumi:prod::acme::eks:index:Cluster::prod-b"]);
  });

  it("gives each resource its own provider, whether its neighbours share one or not", () => {
    const b = new ExportBuilder();
    const a = b.add({ type: "pulumi:providers:kubernetes", name: "a-k8s" });
    const other = b.add({ type: "pulumi:providers:kubernetes", name: "b-k8s" });
    const on = (name: string, provider?: ExportResource) =>
      b.add({ type: "kubernetes:core/v1:ConfigMap", name, provider });
    on("one", a);
    on("two", a);
    on("three", other);
    on("four");
    on("five", a);
    const { nodes } = fromStackExport(b.document(), "state.json");
    const providerOf = (name: string) => nodes.find((n) => n.name === name)?.provider;
    assert.equal(providerOf("one"), a.urn);
    assert.equal(providerOf("two"), a.urn);
    assert.equal(providerOf("three"), other.urn);
    assert.equal(providerOf("four"), undefined);
    assert.equal(providerOf("five"), a.urn);
  });

  it("hands each live resource, as it is made, to onNode, in order", () => {
    const seen: string[] = [];
    const { nodes } = fromStackExport(deployedEnvironmentExport().document(), "state.json", (n) =>
      seen.push(n.urn),
    );
    assert.deepEqual(
      seen,
      nodes.map((n) => n.urn),
    );
    assert.ok(!seen.some((urn) => urn.endsWith("::old-logs")), "not a resource pending deletion");
  });

  it("hides secrets, encrypted or not, and never keeps their ciphertext", () => {
    const b = new ExportBuilder();
    b.add({
      type: "kubernetes:core/v1:Secret",
      name: "creds",
      inputs: {
        stringData: {
          "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
          plaintext: '"hunter2"',
        },
      },
    });
    const { nodes } = fromStackExport(b.document(), "state.json");
    assert.deepEqual(nodes[1].inputs, { stringData: "[secret]" });
    const all = JSON.stringify(fromStackExport(deployedEnvironmentExport().document(), "s").nodes);
    assert.ok(!all.includes("ciphertext") && !all.includes("hunter2"));
    assert.ok(all.includes('"kubeconfig":"[secret]"'));
    // Spread, serialised or printed, a node never shows its inputs as recorded.
    const fresh = fromStackExport(b.document(), "state.json").nodes[1];
    assert.ok(!JSON.stringify({ ...fresh }).includes("hunter2"));
    assert.ok(!inspect({ ...fresh }, { depth: 9 }).includes("hunter2"));
    assert.ok(!inspect(fresh, { depth: 9 }).includes("hunter2"));
    const serialised = JSON.parse(JSON.stringify(nodes[1])) as { inputs: unknown };
    assert.deepEqual(serialised.inputs, { stringData: "[secret]" });
  });

  it("finds the clusters of the deployed environment from the graph", () => {
    const { nodes } = fromStackExport(deployedEnvironmentExport().document(), "state.json");
    const membership = clusterMembership(nodes);
    // Named by the tag of the aws.eks.Cluster each component created.
    assert.deepEqual(
      membership.clusters.map((c) => c.name),
      ["a", "b", "c"],
    );
    const shop = nodes.find((n) => n.name === "prod-c-shop");
    assert.equal(
      membership.clusterOf.get(shop?.urn ?? ""),
      "urn:pulumi:prod::acme::eks:index:Cluster::prod-c",
    );
  });

  const malformed: [string, unknown, RegExp][] = [
    ["version 2", { version: 2, deployment: { resources: [] } }, /"version" is 2, expected 3 or 4/],
    [
      "resources not a list",
      { version: 3, deployment: { resources: {} } },
      /"deployment.resources" is not a list/,
    ],
    [
      "a resource without a URN",
      { version: 3, deployment: { resources: [{ type: "aws:s3/bucket:Bucket" }] } },
      /deployment.resources\[0\].urn is missing/,
    ],
    [
      "a malformed URN",
      { version: 3, deployment: { resources: [{ urn: "urn:pulumi:x", type: "t" }] } },
      /deployment.resources\[0\].urn "urn:pulumi:x" does not have the form/,
    ],
    [
      "dependencies that are not URNs",
      {
        version: 3,
        deployment: { resources: [{ urn: "urn:pulumi:s::p::t::n", type: "t", dependencies: [1] }] },
      },
      /deployment.resources\[0\].dependencies is not a list of URNs/,
    ],
    ...(
      [
        ["a parent that is not a string", { parent: 7 }, /resources\[1\].parent is not a string/],
        ["a provider that is not a string", { provider: {} }, /\[1\].provider is not a string/],
        [
          "property dependencies that are not URNs",
          { propertyDependencies: { a: ["urn:pulumi:s::p::t::n"], b: [null] } },
          /deployment.resources\[1\].propertyDependencies.b is not a list of URNs/,
        ],
        [
          "a property dependency that is a string",
          { propertyDependencies: { a: "urn:pulumi:s::p::t::n" } },
          /deployment.resources\[1\].propertyDependencies.a is not a list of URNs/,
        ],
        [
          "property dependencies that are not a map",
          { propertyDependencies: [] },
          /resources\[1\].propertyDependencies is not an object/,
        ],
        ["inputs that are not a map", { inputs: "x" }, /resources\[1\].inputs is not an object/],
        ["outputs that are not a map", { outputs: [1] }, /resources\[1\].outputs is not an object/],
      ] as [string, Record<string, unknown>, RegExp][]
    ).map(([what, fields, message]): [string, unknown, RegExp] => [
      what,
      {
        version: 3,
        deployment: {
          resources: [
            { urn: "urn:pulumi:s::p::t::n", type: "t" },
            { urn: "urn:pulumi:s::p::t::m", type: "t", ...fields },
          ],
        },
      },
      message,
    ]),
  ];
  for (const [what, doc, message] of malformed) {
    it(`rejects ${what} with one message naming the field`, () => {
      assert.throws(
        () => fromStackExport(doc, "state.json"),
        (err: Error) =>
          err instanceof StackExportError &&
          /^state.json is not a stack export aa can read: /.test(err.message) &&
          message.test(err.message),
      );
    });
  }

  /** A value of `levels` objects inside one another: `{ a: { a: ... 1 } }`. */
  const nested = (levels: number): unknown => {
    let v: unknown = 1;
    for (let i = 0; i < levels; i++) v = { a: v };
    return v;
  };

  it("refuses outputs nested 100,000 levels deep, naming the resource and the limit (no stack overflow)", () => {
    const b = new ExportBuilder();
    const deep = b.add({ type: "aws:s3/bucket:Bucket", name: "deep" });
    deep.outputs = { policy: nested(100_000) };
    assert.throws(
      () => fromStackExport(b.document(), "state.json"),
      (err: Error) =>
        err instanceof StackExportError &&
        err.message.startsWith(
          `state.json is not a stack export aa can read: ${deep.urn}: its outputs.policy.a.a.a.a.a.a.a… ` +
            "is nested more than 500 levels deep",
        ) &&
        err.message.includes(`\`pulumi refresh --target '${deep.urn}'\``),
    );
  });

  it("refuses inputs nested too deep when they are first read", () => {
    const b = new ExportBuilder();
    const deep = b.add({ type: "aws:s3/bucket:Bucket", name: "deep", outputs: {} });
    deep.inputs = { tags: nested(100_000) };
    const [, node] = fromStackExport(b.document(), "state.json").nodes;
    assert.throws(
      () => node.inputs,
      (err: Error) =>
        err instanceof StackExportError &&
        err.message.includes(`${deep.urn}: its inputs.tags.a.a.a.a.a.a.a… is nested more than 500`),
    );
  });

  it("reads values nested as deep as the limit (the property map is the first level), not deeper", () => {
    const at = (levels: number) => {
      const b = new ExportBuilder();
      const deep = b.add({
        type: "aws:s3/bucket:Bucket",
        name: "deep",
        inputs: { x: nested(levels) },
      });
      deep.outputs = { x: nested(levels) };
      return () => fromStackExport(b.document(), "state.json").nodes[1];
    };
    const node = at(499)();
    assert.ok(JSON.stringify(node).includes('{"a":'.repeat(499)), "inputs and outputs read whole");
    assert.throws(at(500), /its outputs\.x\.a\.a\.a\.a\.a\.a\.a… is nested more than 500 levels/);
  });

  it("accepts a new stack's export without resources", () => {
    assert.deepEqual(fromStackExport({ version: 3, deployment: { manifest: {} } }, "s").nodes, []);
  });

  it("reads null where Go writes an empty list or map as null (CLIs up to about 3.102)", () => {
    const urn = "urn:pulumi:s::p::aws:ec2/vpc:Vpc::main";
    const resource = {
      urn,
      type: "aws:ec2/vpc:Vpc",
      custom: true,
      dependencies: null,
      propertyDependencies: { cidrBlock: null, tags: ["urn:pulumi:s::p::t::n"] },
      inputs: null,
      outputs: null,
    };
    const doc = { version: 3, deployment: { resources: [resource] } };
    const [node] = fromStackExport(doc, "s").nodes;
    assert.deepEqual(node.dependencies, []);
    assert.deepEqual(node.propertyDependencies, {
      cidrBlock: [],
      tags: ["urn:pulumi:s::p::t::n"],
    });
    assert.deepEqual([node.inputs, node.outputs], [{}, {}]);
    assert.equal(resource.propertyDependencies.cidrBlock, null, "the document is left as it was");
    const none = { version: 3, deployment: { resources: null } };
    assert.deepEqual(fromStackExport(none, "s").nodes, []);
  });
});

describe("reading a stack export file", () => {
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-state-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads a file, or standard input for -", () => {
    const text = JSON.stringify(deployedEnvironmentExport().document());
    const file = path.join(dir, "state.json");
    fs.writeFileSync(file, text);
    assert.equal(readStackExport(file).nodes.length, readStackExport("-", () => text).nodes.length);
  });

  for (const [what, text, message] of [
    [
      "text that is not JSON",
      "{ not json",
      /standard input is not valid JSON .*pulumi stack export/,
    ],
    ["an empty input", "  \n", /standard input is empty/],
    ["the wrong version", '{"version": 1, "deployment": {}}', /expected 3/],
  ] as const) {
    it(`turns ${what} into one usage error`, () => {
      assert.throws(
        () => readStackExport("-", () => text),
        (err: Error) =>
          err instanceof UsageError && message.test(err.message) && !err.message.includes("\n"),
      );
    });
  }

  it("reads a gzipped state file, told by its first bytes, from a file or standard input", () => {
    const { deployment } = deployedEnvironmentExport().document();
    const checkpoint = {
      version: 3,
      checkpoint: { stack: "organization/acme/prod", latest: deployment },
    };
    const gz = zlib.gzipSync(JSON.stringify(checkpoint));
    const file = path.join(dir, "prod.json.gz");
    fs.writeFileSync(file, gz);
    const plain = path.join(dir, "prod.json");
    fs.writeFileSync(plain, JSON.stringify(checkpoint));
    const fromFile = readStackExport(file);
    assert.deepEqual(fromFile.stateFile, {
      form: "checkpoint",
      version: 3,
      features: [],
      gzip: true,
    });
    assert.equal(fromFile.nodes.length, readStackExport(plain).nodes.length);
    assert.equal(readStackExport(plain).stateFile.gzip, false);
    const fromStdin = readStackExport("-", () => gz);
    assert.deepEqual([fromStdin.stack, fromStdin.stateFile.gzip], ["prod", true]);
    // A gzipped file named .json is still gzip.
    const misnamed = path.join(dir, "misnamed.json");
    fs.writeFileSync(misnamed, gz);
    assert.equal(readStackExport(misnamed).stateFile.gzip, true);
  });

  for (const [what, bytes, message] of [
    [
      "a truncated gzip file",
      zlib.gzipSync('{"version": 3, "deployment": null}').subarray(0, 12),
      /^standard input starts like a gzip file but does not decompress \(.*\); pass the whole file/,
    ],
    [
      "a zstd-compressed checkpoint",
      Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0]),
      /^standard input is zstd-compressed \(a DIY backend with PULUMI_DIY_BACKEND_ZSTD\), which aa does not read; decompress it first/,
    ],
  ] as const) {
    it(`turns ${what} into one usage error`, () => {
      assert.throws(
        () => readStackExport("-", () => bytes),
        (err: Error) =>
          err instanceof UsageError && message.test(err.message) && !err.message.includes("\n"),
      );
    });
  }

  it("names an empty stack after its file", () => {
    const file = path.join(dir, "staging.json");
    fs.writeFileSync(file, '{"version": 3, "deployment": null}');
    assert.equal(readStackExport(file).stack, "staging");
    assert.equal(readStackExport("-", () => '{"version": 3, "deployment": null}').stack, "stdin");
  });

  it("names a missing file and how to create it", () => {
    assert.throws(
      () => readStackExport(path.join(dir, "nope.json")),
      (err: Error) =>
        err instanceof UsageError &&
        /does not exist; create it with `pulumi stack export --file/.test(err.message),
    );
  });
});
