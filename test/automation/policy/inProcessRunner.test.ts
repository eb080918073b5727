import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeSyntheticExport } from "../../../bench/syntheticExport";
import { UsageError } from "../../../automation/exitCodes";
import { PolicyPackSession, type PolicyRunInput } from "../../../automation/policy/analyzerRunner";
import { runPoliciesInProcess } from "../../../automation/policy/inProcessRunner";
import { evaluateStack } from "../../../automation/offline/evaluate";
import { readStackFile } from "../../../automation/project";
import { fromStackExport } from "../../../automation/stackExport/stackExport";
import { toPulumiConfig } from "../../../config/load";
import type { ResourceNode } from "../../../graph/resourceGraph";
import { ROOT } from "../../_cli";
import { environmentGraph } from "../../policies/_environment";
import {
  deployedEnvironmentExport,
  ExportBuilder,
  sizedEnvironmentExport,
  type ExportResource,
} from "../stackExport/_exportFixture";

const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Nodes of an export document, as `aa check --state` reads them. */
function exportNodes(doc: unknown): Pick<PolicyRunInput, "nodes" | "project" | "stack"> {
  const exported = fromStackExport(doc, "state.json");
  return { nodes: exported.nodes, project: exported.project, stack: exported.stack };
}

/**
 * An export shaped to exercise what the protocol changes on the way to a policy: property
 * dependencies whose keys are not in sorted order (the order decides which way a dependency is
 * reported and the order of clusters in messages), dependencies on resources that are not in
 * the stack, a custom resource without a provider (the engine's default one), a component that
 * records a provider, a resource without outputs.
 */
function protocolEdgesExport(): Record<string, unknown> {
  const b = new ExportBuilder("edge", "acme");
  const aws = b.add({ type: "pulumi:providers:aws", name: "default_7_48_0", inputs: {} });
  const clusters: Record<string, ExportResource> = {};
  const workloads: Record<string, ExportResource> = {};
  for (const c of ["a", "b", "c"]) {
    const eks = b.add({ type: "eks:index:Cluster", name: `edge-${c}`, custom: false });
    b.add({
      type: "aws:eks/cluster:Cluster",
      name: `edge-${c}-eksCluster`,
      parent: eks,
      provider: aws,
      inputs: { version: "1.33", tags: { "active-active/cluster": `in-${c}` } },
      outputs: { version: "1.33", tags: { "active-active/cluster": c } },
    });
    const provider = b.add({
      type: "pulumi:providers:kubernetes",
      name: `edge-${c}-k8s`,
      uses: { kubeconfig: [eks] },
      inputs: { kubeconfig: "x" },
    });
    clusters[c] = eks;
    workloads[c] = b.add({
      type: "kubernetes:core/v1:ConfigMap",
      name: `edge-${c}-settings`,
      provider,
      inputs: { metadata: { name: "settings", namespace: "apps" } },
    });
  }
  // Environment-level, reaching a and b through "zeta" and "alpha" only (no dependencies list):
  // the clusters are named in the order the sorted keys give ("b" before "a").
  const sg = b.add({
    type: "aws:ec2/securityGroup:SecurityGroup",
    name: "shared-sg",
    uses: { zeta: [clusters.a], alpha: [clusters.b] },
  });
  delete sg.dependencies;
  // Cluster a's resource using cluster b's twice: reported "through its property" of the first key.
  b.add({
    type: "aws:iam/role:Role",
    name: "a-role",
    parent: clusters.a,
    provider: aws,
    uses: { zeta: [workloads.b], alpha: [workloads.b] },
  });
  // Dependencies on a resource pending deletion and on one that is not in the export at all.
  const gone = b.add({ type: "aws:s3/bucket:Bucket", name: "gone", provider: aws });
  gone.delete = true;
  const ghost = "urn:pulumi:edge::acme::aws:s3/bucket:Bucket::ghost";
  const user = b.add({
    type: "aws:s3/bucketPolicy:BucketPolicy",
    name: "policy",
    provider: aws,
    uses: { bucket: [gone, clusters.c] },
  });
  user.dependencies?.push(ghost);
  user.propertyDependencies?.bucket.push(ghost);
  // A custom resource without a provider (default provider), a component with one, no outputs.
  b.add({
    type: "kubernetes:core/v1:Secret",
    name: "ambient",
    inputs: { metadata: { name: "s" } },
  });
  const component = b.add({ type: "acme:index:Thing", name: "thing", custom: false });
  component.provider = `${aws.urn}::${aws.id}`;
  const empty = b.add({
    type: "aws:rds/instance:Instance",
    name: "db",
    provider: aws,
    uses: { subnetIds: [workloads.a, workloads.c] },
    inputs: { multiAz: false },
  });
  empty.outputs = {};
  return b.document();
}

/** A synthetic export as the benchmark writes it, with a few violations added. */
function syntheticExport(dir: string, resources: number, breakIt: boolean): unknown {
  const file = path.join(dir, `synthetic-${resources}.json`);
  writeSyntheticExport(file, resources);
  const doc = JSON.parse(fs.readFileSync(file, "utf8")) as {
    deployment: { resources: ExportResource[] };
  };
  if (breakIt) {
    const list = doc.deployment.resources;
    const deployment = list.findIndex((r) => r.type === "kubernetes:apps/v1:Deployment");
    list.splice(deployment, 1);
    const eks = list.find((r) => r.type === "aws:eks/cluster:Cluster");
    if (eks?.outputs) eks.outputs.version = "1.30";
    const record = list.filter((r) => r.type === "aws:route53/record:Record").slice(0, 2);
    for (const r of record) r.outputs = { ...r.outputs, weightedRoutingPolicies: [{ weight: 0 }] };
  }
  return doc;
}

/**
 * Both ways of evaluating the shipped pack give the same result: the pack served over gRPC as the
 * Pulumi CLI serves it (one pack process for this file), and the policies run in this process.
 */
describe("the shipped pack in-process and over gRPC agree", () => {
  let session: PolicyPackSession;
  let dir: string;

  before(async () => {
    session = await PolicyPackSession.start({ project: "acme", stack: "prod" });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-inprocess-"));
  });
  after(async () => {
    await session?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function assertSame(input: PolicyRunInput, expectViolations = true): Promise<void> {
    const grpc = await session.analyze(input);
    const inProcess = runPoliciesInProcess(input);
    assert.deepEqual(inProcess, grpc);
    if (expectViolations) assert.ok(grpc.violations.length > 0, "the fixture has violations");
  }

  it("on a deployed stack's export with several violations", async () => {
    await assertSame(exportNodes(deployedEnvironmentExport().document()));
  });

  for (const [what, policyConfig] of [
    ["every policy advisory", { all: "advisory" }],
    [
      "levels and thresholds per policy",
      {
        "min-clusters": { minClusters: 4 },
        "shared-state-outside-clusters": "mandatory",
        "eks-endpoint-restricted": { enforcementLevel: "remediate", allowPublicEndpoint: false },
        "workload-on-all-clusters": "disabled",
        "cluster-version-skew": { maxMinorSkew: 2 },
      },
    ],
  ] as const) {
    it(`with a policy config: ${what}`, async () => {
      await assertSame({
        ...exportNodes(deployedEnvironmentExport().document()),
        policyConfig,
        policyConfigSource: "policy config test.json",
      });
    });
  }

  it('with every policy disabled ("all": "disabled")', async () => {
    const input = exportNodes(deployedEnvironmentExport().document());
    await assertSame({ ...input, policyConfig: { all: "disabled" } }, false);
    assert.deepEqual(
      runPoliciesInProcess({ ...input, policyConfig: { all: "disabled" } }).violations,
      [],
    );
  });

  it("on an export that exercises what the protocol changes (key order, missing URNs, providers)", async () => {
    await assertSame(exportNodes(protocolEdgesExport()));
    const { violations } = runPoliciesInProcess(exportNodes(protocolEdgesExport()));
    const shared = violations.find((v) => v.urn.endsWith("::shared-sg"));
    assert.match(shared?.message ?? "", /shared by clusters "b" and "a"/);
    const role = violations.find((v) => v.urn.endsWith("::a-role"));
    assert.match(role?.message ?? "", /through its property "alpha"/);
  });

  it("on exports with too little and with enough capacity to lose a cluster", async () => {
    const small = exportNodes(sizedEnvironmentExport(1).document());
    await assertSame(small);
    assert.deepEqual(
      runPoliciesInProcess(small).violations.map((v) => `${v.level} ${v.policy}`),
      ["advisory capacity-n-minus-1"],
    );
    await assertSame(exportNodes(sizedEnvironmentExport(2).document()), false);
    assert.deepEqual(
      runPoliciesInProcess(exportNodes(sizedEnvironmentExport(2).document())).violations,
      [],
    );
  });

  it("on the benchmark's synthetic export, clean and with violations", async () => {
    await assertSame(exportNodes(syntheticExport(dir, 400, false)), false);
    await assertSame(exportNodes(syntheticExport(dir, 400, true)));
  });

  it("on graphs of a program: failure modes and values unknown during a preview", async () => {
    const { nodes, clusters } = environmentGraph();
    const unknown = (n: ResourceNode, key: string) => (n.inputs[key] = UNKNOWN_STRING);
    unknown(clusters.a.eks, "encryptionConfigKeyArn");
    unknown(clusters.b.eks, "version");
    unknown(clusters.c.record, "weightedRoutingPolicies");
    delete clusters.b.eks.inputs.publicAccessCidrs;
    clusters.c.deployment.inputs.spec = { replicas: 5 };
    clusters.a.record.propertyDependencies.records = [clusters.b.service.urn];
    await assertSame({ nodes, project: "proj", stack: "prod" });
  });

  it("rejects the same invalid policy config with the same message", async () => {
    const input = {
      ...exportNodes(deployedEnvironmentExport().document()),
      policyConfig: { "min-clusters": { minClusters: "three" }, "no-such-policy": "advisory" },
    };
    const grpc = await session.analyze(input).then(
      () => assert.fail("the pack accepted an invalid config"),
      (err: Error) => err,
    );
    assert.ok(grpc instanceof UsageError);
    assert.throws(
      () => runPoliciesInProcess(input),
      (err: Error) => err instanceof UsageError && err.message === grpc.message,
    );
  });
});

describe("the shipped pack in-process and over gRPC agree on the example stacks' programs", () => {
  const stackFiles = [
    ...["dev", "staging", "prod"].map((env) => path.join(ROOT, "stacks", `Pulumi.${env}.yaml`)),
    ...["add", "remove", "replace"].map((change) =>
      path.join(ROOT, "examples", "lifecycle", `Pulumi.dev-${change}.yaml`),
    ),
  ];
  for (const stackFile of stackFiles) {
    it(`on ${path.relative(ROOT, stackFile)}, evaluated offline as aa check does`, async () => {
      const file = readStackFile(stackFile);
      const evaluation = await evaluateStack({
        project: "active-active",
        stack: file.stack,
        config: file.config,
        source: stackFile,
      });
      const input: PolicyRunInput = {
        nodes: evaluation.resources,
        membership: evaluation.membership,
        project: "active-active",
        stack: file.stack,
        stackConfig: toPulumiConfig(file.config),
      };
      // A session per stack: the pack is started with that stack's name and config.
      const session = await PolicyPackSession.start(input);
      try {
        assert.deepEqual(runPoliciesInProcess(input), await session.analyze(input));
      } finally {
        await session.close();
      }
    });
  }
});
