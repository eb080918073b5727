import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { clusterGraph } from "../../../automation/blastRadius/graph";
import { devGraph } from "./_devGraph";
import { readSteps } from "../../../automation/blastRadius/readSteps";
import {
  DEFAULT_KUBERNETES_PROVIDER,
  mapSteps,
  type ClusterGraph,
} from "../../../automation/blastRadius/steps";
import { clusterMembership } from "../../../graph/membership";
import type { ResourceNode } from "../../../graph/resourceGraph";
import {
  defaultProviderUrn,
  eventLog,
  FIXTURE_DIR,
  FIXTURES,
  previewJson,
  providerRef,
  realisticStream,
  recordedStream,
  sdkVersion,
  stackUrnOf,
  type StepSpec,
  type StreamOptions,
} from "../automationApi/_realEvents";
import { clusterUrns } from "../automationApi/_stackFixtures";

const a = clusterUrns("dev", "a");
const b = clusterUrns("dev", "b");
const c = clusterUrns("dev", "c");
const STACK = stackUrnOf("dev");
const aws = defaultProviderUrn("dev", "aws", sdkVersion("aws"));
const preview: StreamOptions = { preview: true, stack: "dev" };

/** The steps of a realistic preview, read back the way `aa blast-radius` reads an event log. */
const fromLog = (steps: StepSpec[], opts: StreamOptions = preview) =>
  readSteps(eventLog(realisticStream(steps, opts)), "events.jsonl");

/** Unchanged resources of every cluster, as a real preview names them. */
const unchanged: StepSpec[] = [a, b, c].flatMap((x) => [
  { op: "same", urn: x.eks, parent: x.cell },
  { op: "same", urn: x.k8sProvider, parent: x.cell },
]);

describe("blast radius on real-shaped engine streams", () => {
  let graph: ClusterGraph;

  before(async () => {
    graph = await devGraph();
  });

  it("a version bump of b touches b only: the remote component's child by its parent", () => {
    const steps: StepSpec[] = [
      ...unchanged,
      { op: "update", urn: b.eksCluster, parent: b.eks },
      { op: "update", urn: b.nodes, parent: b.cell },
    ];
    for (const read of [
      fromLog(steps),
      readSteps(JSON.stringify(previewJson(steps, { stack: "dev" })), "preview.json"),
    ]) {
      const report = mapSteps(read, graph);
      assert.deepEqual(report.clusters, ["b"]);
      assert.deepEqual(report.unmapped, []);
      assert.deepEqual(report.environmentLevel, []);
      const child = report.changes.find((x) => x.urn === b.eksCluster);
      assert.deepEqual(child?.owner, { kind: "cluster", cluster: "b", via: "parent" });
    }
  });

  it("a stream that also updates a's child touches a and b", () => {
    const report = mapSteps(
      fromLog([
        ...unchanged,
        { op: "update", urn: b.eksCluster, parent: b.eks },
        { op: "update", urn: a.eksCluster, parent: a.eks },
      ]),
      graph,
    );
    assert.deepEqual(report.clusters, ["b", "a"]);
  });

  it("default provider create and update (an SDK or provider config change) touch no cluster", () => {
    for (const defaultProviders of ["create", "update"] as const) {
      const report = mapSteps(
        fromLog([...unchanged, { op: "update", urn: b.nodes, parent: b.cell }], {
          ...preview,
          internal: { defaultProviders },
        }),
        graph,
      );
      assert.deepEqual(report.clusters, ["b"], defaultProviders);
      assert.deepEqual(report.unmapped, []);
      const plumbing = report.changes.filter((x) => x.owner.kind === "plumbing");
      assert.ok(
        plumbing.some((x) => x.type === "pulumi:providers:aws" && x.ops.includes(defaultProviders)),
        `the default aws provider's ${defaultProviders} is plumbing`,
      );
    }
  });

  it("remove-pending-replace and internal refreshes touch no cluster", () => {
    const report = mapSteps(
      fromLog(unchanged, {
        ...preview,
        internal: {
          removePendingReplace: [{ urn: a.launchTemplate, parent: a.cell }],
          refresh: [{ urn: c.eks, parent: c.cell }],
        },
      }),
      graph,
    );
    assert.deepEqual(report.clusters, []);
    assert.deepEqual(report.unmapped, []);
    assert.deepEqual(report.changes, []);
  });

  it("a Kubernetes resource the graph lacks belongs to the cluster of its provider", () => {
    const parent = `urn:pulumi:dev::active-active::active-active:index:Environment$active-active:index:ServiceFleet::dev-web`;
    const configMap = `urn:pulumi:dev::active-active::active-active:index:Environment$active-active:index:ServiceFleet$kubernetes:core/v1:ConfigMap::dev-web-c-flags`;
    const report = mapSteps(
      fromLog([...unchanged, { op: "create", urn: configMap, parent, provider: c.k8sProviderRef }]),
      graph,
    );
    assert.deepEqual(report.clusters, ["c"]);
    assert.deepEqual(report.changes.at(-1)?.owner, {
      kind: "cluster",
      cluster: "c",
      via: "provider",
    });
  });

  it("a resource on the default Kubernetes provider is refused", () => {
    const ambient = defaultProviderUrn("dev", "kubernetes", "4.18.0");
    const ns = "urn:pulumi:dev::active-active::kubernetes:core/v1:Namespace::stray";
    const report = mapSteps(
      fromLog([{ op: "create", urn: ns, parent: STACK, provider: providerRef(ambient) }]),
      graph,
    );
    assert.deepEqual(
      report.unmapped.map((u) => [u.urn, u.reason]),
      [[ns, DEFAULT_KUBERNETES_PROVIDER]],
    );
  });

  it("a step that maps nowhere is listed with why", () => {
    const bucket = "urn:pulumi:dev::active-active::aws:s3/bucket:Bucket::scratch";
    const report = mapSteps(fromLog([...unchanged, { op: "create", urn: bucket }]), graph);
    assert.deepEqual(report.clusters, []);
    assert.equal(report.unmapped.length, 1);
    assert.equal(report.unmapped[0].urn, bucket);
    assert.match(report.unmapped[0].reason, /no parent but the stack/);
    assert.match(
      report.unmapped[0].reason,
      new RegExp(`default aws provider \\(${aws.split("::").pop()}\\)`),
    );
  });
});

describe("a preview that failed says nothing about its blast radius", () => {
  it("refuses a recorded failed preview's event log, with the engine's error", () => {
    const text = eventLog(recordedStream("failedPreview"));
    assert.throws(
      () => readSteps(text, "events.jsonl"),
      /events\.jsonl is a preview that failed: Preview failed: resource 'resA-some-id' does not exist; its steps stop where it failed/,
    );
  });

  it("refuses a `pulumi preview --json` document with an error diagnostic", () => {
    const doc = previewJson([{ op: "update", urn: b.nodes, parent: b.cell }], { stack: "dev" });
    doc.diagnostics = [{ message: "error: the program failed\n", severity: "error" }];
    assert.throws(
      () => readSteps(JSON.stringify(doc), "preview.json"),
      /preview\.json is a preview that failed: error: the program failed;/,
    );
  });
});

describe("blast radius on a recorded real preview (pulumi/pulumi display test data)", () => {
  it("reads an aws-ts-eks preview and ties the eks component's changed child to its cluster", () => {
    const text = fs.readFileSync(path.join(FIXTURE_DIR, FIXTURES.eksPreview), "utf8");
    const steps = readSteps(text, FIXTURES.eksPreview);
    const eks = "urn:pulumi:dev::aws-ts-eks::eks:index:Cluster::cluster";
    const child = steps.find((s) => s.urn.endsWith("$aws:eks/cluster:Cluster::cluster-eksCluster"));
    assert.equal(child?.parent, eks, "the parent comes from the step's own state");

    // The program's graph as far as the offline evaluation of that program would know it: the
    // stack and the eks component (none of the component's children).
    const root = "urn:pulumi:dev::aws-ts-eks::pulumi:pulumi:Stack::aws-ts-eks-dev";
    const nodes: ResourceNode[] = [
      node(root, "pulumi:pulumi:Stack", false),
      node(eks, "eks:index:Cluster", false, root),
    ];
    const report = mapSteps(steps, clusterGraph(nodes, clusterMembership(nodes)));
    assert.deepEqual(report.unmapped, []);
    assert.deepEqual(report.clusters, ["cluster"]);
    assert.deepEqual(
      report.changes.map((x) => [x.urn.split("::").pop(), x.ops.join(","), x.owner.kind]),
      [["cluster-nodes", "update,update", "cluster"]],
      "the one change of the recording: the node stack inside the eks component",
    );
  });
});

function node(urn: string, type: string, custom: boolean, parent?: string): ResourceNode {
  return {
    urn,
    type,
    name: urn.split("::").pop() as string,
    custom,
    ...(parent ? { parent } : {}),
    dependencies: [],
    propertyDependencies: {},
    inputs: {},
  };
}
