import * as assert from "node:assert/strict";
import { workloadOnAllClusters } from "../../policies/workloadOnAllClusters";
import { assertOneFinding, check } from "./_assert";
import { environmentGraph } from "./_environment";

type Spec = { replicas: number; template: { spec: { containers: { image: string }[] } } };
const specOf = (n: { inputs: Record<string, unknown> }) => n.inputs.spec as Spec;

describe("workload-on-all-clusters", () => {
  it("is mandatory and passes when every workload runs on every cluster alike", () => {
    assert.equal(workloadOnAllClusters.enforcementLevel, "mandatory");
    assert.deepEqual(check(workloadOnAllClusters, environmentGraph().nodes), []);
  });

  it("rejects a Deployment missing on one cluster, naming where it runs and where not", () => {
    const { g, nodes, clusters } = environmentGraph();
    g.remove(clusters.c.deployment);
    assertOneFinding(
      check(workloadOnAllClusters, nodes),
      clusters.a.deployment.urn,
      /Deployment apps\/web runs on cluster\(s\) "a" and "b" but not on "c"/,
      /Declare it on every cluster/,
    );
  });

  it("rejects a Service missing on one cluster", () => {
    const { g, nodes, clusters } = environmentGraph();
    g.remove(clusters.b.service);
    assertOneFinding(
      check(workloadOnAllClusters, nodes),
      clusters.a.service.urn,
      /Service apps\/web runs on cluster\(s\) "a" and "c" but not on "b"/,
    );
  });

  it("rejects different replica counts, showing each cluster's value", () => {
    const { nodes, clusters } = environmentGraph();
    specOf(clusters.b.deployment).replicas = 5;
    assertOneFinding(
      check(workloadOnAllClusters, nodes),
      clusters.b.deployment.urn,
      /different replicas per cluster: a: 2; b: 5; c: 2/,
      /on cluster "b" match the others/,
    );
  });

  it("rejects different container images", () => {
    const { nodes, clusters } = environmentGraph();
    specOf(clusters.c.deployment).template.spec.containers[0].image = "ghcr.io/acme/web:2.4.0";
    assertOneFinding(
      check(workloadOnAllClusters, nodes),
      clusters.c.deployment.urn,
      /different images per cluster: a: web=ghcr.io\/acme\/web:2.3.1; b: web=ghcr.io\/acme\/web:2.3.1; c: web=ghcr.io\/acme\/web:2.4.0/,
    );
  });

  describe("while a release rolls out cluster by cluster", () => {
    const record = (kinds: string[], state = "in-progress") => ({
      id: "r1",
      startedAt: "2026-12-01T10:00:00Z",
      startedBy: "ci",
      target: {},
      drained: [],
      state,
      current: "c",
      kinds,
    });
    const withNewImageOnC = () => {
      const env = environmentGraph();
      specOf(env.clusters.c.deployment).template.spec.containers[0].image =
        "ghcr.io/acme/web:2.4.0";
      return env;
    };

    it("accepts different images while the stack's rollout record says a release is in progress", () => {
      const { g, nodes } = withNewImageOnC();
      g.root.outputs = { rollout: record(["release"]) };
      assert.deepEqual(check(workloadOnAllClusters, nodes), []);
    });

    it("accepts them when the record is read back through the stack's reference to itself (halted too)", () => {
      const { g, nodes } = withNewImageOnC();
      g.add({
        type: "pulumi:pulumi:StackReference",
        name: "deployed-state",
        inputs: { name: `organization/${g.project}/${g.stack}` },
      }).outputs = {
        name: `organization/${g.project}/${g.stack}`,
        outputs: { rollout: record(["upgrade", "release"], "halted") },
      };
      assert.deepEqual(check(workloadOnAllClusters, nodes), []);
    });

    it("still rejects them for an upgrade-only rollout, or a record of another stack", () => {
      const upgrade = withNewImageOnC();
      upgrade.g.root.outputs = { rollout: record(["upgrade"]) };
      assert.equal(check(workloadOnAllClusters, upgrade.nodes).length, 1);

      const other = withNewImageOnC();
      other.g.add({
        type: "pulumi:pulumi:StackReference",
        name: "other",
        inputs: { name: `organization/${other.g.project}/staging` },
      }).outputs = { outputs: { rollout: record(["release"]) } };
      assert.equal(check(workloadOnAllClusters, other.nodes).length, 1);
    });

    it("still rejects a workload missing on a cluster", () => {
      const { g, nodes, clusters } = withNewImageOnC();
      g.root.outputs = { rollout: record(["release"]) };
      g.remove(clusters.b.deployment);
      assert.equal(check(workloadOnAllClusters, nodes).length, 1);
    });
  });

  it("compares the images of every kind that runs pods, wherever its kind keeps them", () => {
    const { g, nodes, clusters } = environmentGraph();
    const report = (name: string, image: string) => ({
      metadata: { name: "report", namespace: "apps" },
      spec: {
        schedule: "0 3 * * *",
        jobTemplate: { spec: { template: { spec: { containers: [{ name, image }] } } } },
      },
    });
    for (const [c, image] of [
      ["a", "ghcr.io/acme/report:1.0.0"],
      ["b", "ghcr.io/acme/report:1.0.0"],
      ["c", "ghcr.io/acme/report:1.1.0"],
    ] as const) {
      g.add({
        type: "kubernetes:batch/v1:CronJob",
        name: `report-${c}`,
        provider: clusters[c].provider,
        inputs: report("report", image),
      });
    }
    assertOneFinding(
      check(workloadOnAllClusters, nodes),
      nodes[nodes.length - 1].urn,
      /CronJob apps\/report has different images per cluster: .*c: report=ghcr.io\/acme\/report:1.1.0/,
    );
  });

  it("ignores values not known yet (a preview) instead of failing on them", () => {
    const { nodes, clusters } = environmentGraph();
    specOf(clusters.c.deployment).template.spec.containers[0].image = "[unknown]";
    (clusters.b.deployment.inputs.metadata as { name: string }).name =
      "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    // b's Deployment may be the missing copy, c's image may match: nothing is reported yet.
    assert.deepEqual(check(workloadOnAllClusters, nodes), []);
  });

  it("leaves out ignored namespaces and kinds, and honours compareReplicas: false", () => {
    const { nodes, clusters } = environmentGraph();
    specOf(clusters.b.deployment).replicas = 5;
    assert.deepEqual(check(workloadOnAllClusters, nodes, { compareReplicas: false }), []);
    assert.deepEqual(check(workloadOnAllClusters, nodes, { ignoreNamespaces: ["apps"] }), []);
    assert.deepEqual(check(workloadOnAllClusters, nodes, { kinds: ["Service"] }), []);
  });
});
