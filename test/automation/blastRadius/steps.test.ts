import * as assert from "node:assert/strict";
import { devGraph } from "./_devGraph";
import {
  DEFAULT_KUBERNETES_PROVIDER,
  mapSteps,
  type ClusterGraph,
  type EngineStep,
} from "../../../automation/blastRadius/steps";

/** URNs of the dev example as the engine names them (the offline run registers the same). */
const PREFIX = "urn:pulumi:dev::active-active::";
const ENV = "active-active:index:Environment";
const CELL = `${ENV}$active-active:index:ClusterCell`;
const urn = (chain: string, name: string) => `${PREFIX}${chain}::${name}`;
const STACK = urn("pulumi:pulumi:Stack", "active-active-dev");
const eks = (c: string) => urn(`${CELL}$eks:index:Cluster`, `dev-${c}-eks`);
const k8sProvider = (c: string) => urn(`${CELL}$pulumi:providers:kubernetes`, `dev-${c}-k8s`);
/** The aws.eks.Cluster @pulumi/eks creates inside cluster c's component (never in the offline graph). */
const eksChild = (c: string) =>
  urn(`${CELL}$eks:index:Cluster$aws:eks/cluster:Cluster`, `dev-${c}-eks-eksCluster`);
const PROVIDER_ID = "::04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const defaultAws = urn("pulumi:providers:aws", "default_7_48_0");

const step = (op: string, u: string, extra: Partial<EngineStep> = {}): EngineStep => ({
  urn: u,
  type: u.split("::")[2].split("$").pop() as string,
  op,
  ...extra,
});

describe("blast radius: which cluster each engine step touches", () => {
  let graph: ClusterGraph;

  before(async () => {
    graph = await devGraph();
  });

  it("maps a resource the program registered through the graph", () => {
    const report = mapSteps([step("same", STACK), step("update", eks("b"))], graph);
    assert.deepEqual(report.clusters, ["b"]);
    assert.deepEqual(report.changes[0].owner, { kind: "cluster", cluster: "b", via: "graph" });
    assert.deepEqual(report.unmapped, []);
  });

  it("maps a remote component's child by its parent chain: a version bump touches b only", () => {
    const report = mapSteps(
      [
        step("same", STACK),
        step("same", eks("b"), { parent: urn(CELL, "dev-b") }),
        step("update", eksChild("b"), {
          parent: eks("b"),
          provider: `${defaultAws}${PROVIDER_ID}`,
        }),
      ],
      graph,
    );
    assert.deepEqual(report.clusters, ["b"]);
    assert.deepEqual(report.changes[0].owner, { kind: "cluster", cluster: "b", via: "parent" });
  });

  it("walks nested children whose parents are only known from other steps", () => {
    const role = urn(`${CELL}$eks:index:Cluster$eks:index:ServiceRole`, "dev-a-eks-eksRole");
    const roleChild = urn(
      `${CELL}$eks:index:Cluster$eks:index:ServiceRole$aws:iam/role:Role`,
      "dev-a-eks-eksRole-role",
    );
    const report = mapSteps(
      [step("same", role, { parent: eks("a") }), step("replace", roleChild, { parent: role })],
      graph,
    );
    assert.deepEqual(report.clusters, ["a"]);
  });

  it("maps a Kubernetes resource the graph lacks by its provider, even under a component of every cluster", () => {
    const fleet = urn(`${ENV}$active-active:index:ServiceFleet`, "dev-web");
    const cm = urn(
      `${ENV}$active-active:index:ServiceFleet$kubernetes:core/v1:ConfigMap`,
      "dev-web-c-extra",
    );
    const report = mapSteps(
      [step("create", cm, { parent: fleet, provider: `${k8sProvider("c")}${PROVIDER_ID}` })],
      graph,
    );
    assert.deepEqual(report.clusters, ["c"]);
    assert.deepEqual(report.changes[0].owner, { kind: "cluster", cluster: "c", via: "provider" });
  });

  it("resolves a provider that is itself a remote component's child", () => {
    const childProvider = urn(
      `${CELL}$eks:index:Cluster$pulumi:providers:kubernetes`,
      "dev-a-eks-provider",
    );
    const cm = urn("kubernetes:core/v1:ConfigMap", "aws-auth-extra");
    const report = mapSteps(
      [
        step("same", childProvider, { parent: eks("a") }),
        step("update", cm, { parent: STACK, provider: `${childProvider}${PROVIDER_ID}` }),
      ],
      graph,
    );
    assert.deepEqual(report.clusters, ["a"]);
  });

  it("treats default providers and internal steps as plumbing, never as a cluster", () => {
    const report = mapSteps(
      [
        step("create", defaultAws),
        step("update", urn("pulumi:providers:aws", "default")),
        step("remove-pending-replace", eksChild("a"), { parent: eks("a") }),
        step("refresh", eks("b")),
        step("read", urn("pulumi:pulumi:StackReference", "deployed-state")),
        step("same", eks("c")),
        step("update", STACK),
      ],
      graph,
    );
    assert.deepEqual(report.clusters, []);
    assert.deepEqual(report.unmapped, []);
    assert.deepEqual(report.environmentLevel, []);
    assert.deepEqual(
      report.changes.map((c) => c.owner.kind),
      ["plumbing", "plumbing", "plumbing"],
      "the default providers and the stack are listed as plumbing; unchanged steps not at all",
    );
  });

  it("refuses a default Kubernetes provider, and a resource on one", () => {
    const ambient = urn("pulumi:providers:kubernetes", "default_4_18_0");
    const ns = urn("kubernetes:core/v1:Namespace", "stray");
    const report = mapSteps(
      [
        step("create", ambient),
        step("create", ns, { parent: STACK, provider: `${ambient}${PROVIDER_ID}` }),
      ],
      graph,
    );
    assert.deepEqual(report.clusters, []);
    assert.deepEqual(
      report.unmapped.map((u) => u.reason),
      [DEFAULT_KUBERNETES_PROVIDER, DEFAULT_KUBERNETES_PROVIDER],
    );
  });

  it("reports a step that maps nowhere, with what was tried", () => {
    const bucket = urn("aws:s3/bucket:Bucket", "stray");
    const report = mapSteps(
      [step("create", bucket, { parent: STACK, provider: `${defaultAws}${PROVIDER_ID}` })],
      graph,
    );
    assert.equal(report.unmapped.length, 1);
    assert.equal(report.unmapped[0].urn, bucket);
    assert.match(report.unmapped[0].reason, /not in the program's resource graph/);
    assert.match(report.unmapped[0].reason, /no parent but the stack/);
    assert.match(report.unmapped[0].reason, /default aws/i);
  });

  it("names a parent chain that reaches nothing known", () => {
    const orphanParent = urn("acme:index:Thing", "t");
    const child = urn("acme:index:Thing$aws:s3/bucket:Bucket", "t-b");
    const report = mapSteps([step("delete", child, { parent: orphanParent })], graph);
    assert.match(report.unmapped[0].reason, /parent chain \(acme:index:Thing::t\) reaches nothing/);
    assert.match(report.unmapped[0].reason, /names no provider/);
  });

  it("keeps environment-level resources apart from clusters", () => {
    const fleet = urn(`${ENV}$active-active:index:ServiceFleet`, "dev-web");
    const extra = urn(
      `${ENV}$active-active:index:ServiceFleet$aws:s3/bucket:Bucket`,
      "dev-web-assets",
    );
    const report = mapSteps(
      [step("update", fleet), step("create", extra, { parent: fleet })],
      graph,
    );
    assert.deepEqual(report.clusters, []);
    assert.deepEqual(report.environmentLevel, [fleet, extra]);
  });

  it("folds a replacement's steps into one change and lists every cluster touched once", () => {
    const report = mapSteps(
      [
        step("create-replacement", eksChild("a"), { parent: eks("a") }),
        step("replace", eksChild("a"), { parent: eks("a") }),
        step("update", eksChild("c"), { parent: eks("c") }),
        step("delete-replaced", eksChild("a"), { parent: eks("a") }),
      ],
      graph,
    );
    assert.deepEqual(report.clusters, ["a", "c"]);
    assert.deepEqual(report.changes[0].ops, ["create-replacement", "replace", "delete-replaced"]);
  });
});
