import * as assert from "node:assert/strict";
import { evaluateStack, runOffline } from "../../../automation/offline/evaluate";
import { UsageError } from "../../../automation/exitCodes";
import { PolicyPackSession } from "../../../automation/policy/analyzerRunner";
import { readEnvironmentStack, findProject, PACKAGE_DIR } from "../../../automation/project";
import type { ResourceNode } from "../../../graph/resourceGraph";
import { foreignProgram } from "../../_foreignProgram";
import { fromStackExport } from "../../../automation/stackExport/stackExport";
import { environmentGraph } from "../../policies/_environment";
import { deployedEnvironmentExport } from "../stackExport/_exportFixture";

const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/**
 * The policy pack served exactly as the Pulumi CLI serves it (node, run-policy-pack, the pack
 * directory as working directory, the port read from stdout) and driven over gRPC: one pack
 * process for this whole file.
 */
describe("the policy pack over the Analyzer protocol", () => {
  let session: PolicyPackSession;

  before(async () => {
    session = await PolicyPackSession.start({ project: "active-active", stack: "dev" });
  });
  after(async () => session?.close());

  it("describes itself with every policy, its level and kind (GetAnalyzerInfo)", () => {
    assert.equal(session.info.name, "active-active");
    assert.match(session.info.version, /^\d+\.\d+\.\d+/);
    const policies = Object.fromEntries(
      session.info.policies.map((p) => [p.name, `${p.level}/${p.type}`]),
    );
    assert.deepEqual(policies, {
      "min-clusters": "mandatory/stack",
      "workload-on-all-clusters": "mandatory/stack",
      "no-cross-cluster-dependency": "mandatory/stack",
      "no-shared-single-cluster-dependency": "mandatory/stack",
      "no-ambient-kubernetes-provider": "mandatory/stack",
      "traffic-reaches-all-clusters": "mandatory/stack",
      "system-pods-per-cluster": "mandatory/stack",
      "cluster-version-skew": "mandatory/stack",
      "shared-state-outside-clusters": "advisory/stack",
      "capacity-n-minus-1": "advisory/stack",
      "eks-endpoint-restricted": "mandatory/stack",
      "eks-secrets-encrypted": "mandatory/stack",
      "nodes-require-imdsv2": "mandatory/stack",
      "session-affinity": "advisory/stack",
    });
    const minClusters = session.info.policies.find((p) => p.name === "min-clusters");
    assert.equal(minClusters?.schema.minClusters?.default, 2);
  });

  for (const env of ["dev", "staging", "prod"]) {
    it(`passes the shipped ${env} stack clean`, async () => {
      const project = findProject(PACKAGE_DIR);
      const file = readEnvironmentStack(project, env);
      const evaluation = await evaluateStack({
        project: project.name,
        stack: file.stack,
        config: file.config,
        source: file.path,
      });
      const result = await session.analyze({
        nodes: evaluation.resources,
        project: project.name,
        stack: env,
      });
      assert.deepEqual(result.violations, []);
    });
  }

  it("finds the violations of a program that does not use our components", async () => {
    const run = await runOffline({
      project: "acme",
      stack: "prod",
      config: { "aws:region": "us-east-1" },
      program: foreignProgram,
    });
    const { violations } = await session.analyze({
      nodes: run.resources,
      project: "acme",
      stack: "prod",
    });
    const summary = violations.map(
      (v) => `${v.level} ${v.policy} ${v.cluster ?? "-"} ${v.urn.split("::").pop()}`,
    );
    assert.deepEqual(summary, [
      "mandatory no-ambient-kubernetes-provider - stray",
      "mandatory traffic-reaches-all-clusters east www",
      "mandatory traffic-reaches-all-clusters east www",
      "mandatory traffic-reaches-all-clusters east www",
      "mandatory system-pods-per-cluster east east",
      "mandatory system-pods-per-cluster west west",
      "mandatory eks-endpoint-restricted east east",
      "mandatory eks-endpoint-restricted east east",
      "mandatory eks-endpoint-restricted west west",
      "mandatory eks-endpoint-restricted west west",
      "mandatory eks-secrets-encrypted east east",
      "advisory shared-state-outside-clusters - sessions",
    ]);
    const ambient = violations[0];
    assert.match(
      ambient.message,
      /^k8s.core.v1.ConfigMap "stray" uses the default Kubernetes provider/,
    );
    assert.match(violations[1].message, /is not a weighted record/);
    assert.match(violations[2].message, /none for "west"/);
    assert.match(violations[3].message, /to cluster "east" without a health check/);
    assert.match(violations[4].message, /^Cluster "east" has no kyverno of its own/);
  });

  it("finds the violations of a deployed stack (a stack export)", async () => {
    const exported = fromStackExport(deployedEnvironmentExport().document(), "state.json");
    const { violations } = await session.analyze({
      nodes: exported.nodes,
      project: exported.project,
      stack: exported.stack,
    });
    assert.deepEqual(
      violations.map((v) => `${v.policy} ${v.cluster ?? "-"} ${v.urn.split("::").pop()}`),
      [
        "workload-on-all-clusters a prod-a-shop",
        "no-ambient-kubernetes-provider - stray",
        "system-pods-per-cluster c prod-c",
        "cluster-version-skew a prod-a",
        "eks-endpoint-restricted c prod-c-eksCluster",
      ],
    );
    assert.match(violations[0].message, /runs on cluster\(s\) "a" and "c" but not on "b"/);
    assert.match(violations[3].message, /"a" \(1.31\) and "c" \(1.33\) are 2 minor versions apart/);
    assert.ok(violations.every((v) => v.level === "mandatory"));
  });

  it("applies levels and thresholds from the policy config (Configure)", async () => {
    const { nodes } = environmentGraph();
    const result = await session.analyze({
      nodes,
      project: "proj",
      stack: "prod",
      policyConfig: { "min-clusters": { minClusters: 4, enforcementLevel: "advisory" } },
    });
    assert.equal(result.violations.length, 1);
    const [v] = result.violations;
    assert.equal(v.policy, "min-clusters");
    assert.equal(v.level, "advisory");
    assert.equal(v.cluster, null);
    assert.equal(v.urn, nodes[0].urn, "stack-level findings are attached to the stack");
    assert.match(v.message, /^The stack has 3 EKS clusters/, "the description prefix is removed");
  });

  it('disables every policy with "all": "disabled"', async () => {
    const { nodes, clusters } = environmentGraph({ clusters: ["a"] });
    delete clusters.a.eks.inputs.encryptionConfigKeyArn;
    const result = await session.analyze({
      nodes,
      project: "proj",
      stack: "prod",
      policyConfig: { all: "disabled" },
    });
    assert.deepEqual(result.violations, []);
  });

  it("rejects a policy config that does not fit the pack's schema, naming each problem", async () => {
    await assert.rejects(
      session.analyze({
        nodes: environmentGraph().nodes,
        project: "proj",
        stack: "prod",
        policyConfig: { "min-clusters": { minClusters: "three" }, "no-such-policy": "advisory" },
      }),
      (err: Error) =>
        err instanceof UsageError &&
        /"min-clusters".minClusters: "three" is not a whole number/.test(err.message) &&
        /"no-such-policy" is not a policy of this pack/.test(err.message),
    );
  });

  it("does not crash on values unknown during a preview", async () => {
    const { nodes, clusters } = environmentGraph();
    const unknown = (n: ResourceNode, key: string) => (n.inputs[key] = UNKNOWN_STRING);
    unknown(clusters.a.eks, "encryptionConfigKeyArn");
    unknown(clusters.a.eks, "publicAccessCidrs");
    unknown(clusters.b.eks, "version");
    unknown(clusters.c.record, "weightedRoutingPolicies");
    unknown(clusters.c.launchTemplate, "metadataOptions");
    (clusters.b.deployment.inputs.spec as Record<string, unknown>).template = UNKNOWN_STRING;
    const result = await session.analyze({ nodes, project: "proj", stack: "prod" });
    assert.deepEqual(result.violations, []);
  });
});
