import * as assert from "node:assert/strict";
import { noCrossClusterDependency } from "../../policies/noCrossClusterDependency";
import { assertOneFinding, check } from "./_assert";
import { environmentGraph } from "./_environment";

describe("no-cross-cluster-dependency", () => {
  it("is mandatory and passes when every cluster uses only its own resources", () => {
    assert.equal(noCrossClusterDependency.enforcementLevel, "mandatory");
    assert.deepEqual(check(noCrossClusterDependency, environmentGraph().nodes), []);
  });

  it("rejects a node group of cluster b in a subnet of cluster a (property dependency)", () => {
    const { nodes, clusters } = environmentGraph();
    clusters.b.nodeGroup.propertyDependencies.subnetIds = [clusters.a.subnet.urn];
    assertOneFinding(
      check(noCrossClusterDependency, nodes),
      clusters.b.nodeGroup.urn,
      /aws.eks.NodeGroup "prod-b-nodes" belongs to cluster "b" but depends on aws.ec2.Subnet "prod-a-private-0" of cluster "a" \(through its property "subnetIds"\)/,
      /Give cluster "b" its own aws.ec2.Subnet/,
    );
  });

  it("rejects a Deployment of cluster c that waits on cluster a's node group (dependsOn)", () => {
    const { nodes, clusters } = environmentGraph();
    clusters.c.deployment.dependencies.push(clusters.a.nodeGroup.urn);
    assertOneFinding(
      check(noCrossClusterDependency, nodes),
      clusters.c.deployment.urn,
      /belongs to cluster "c" but depends on aws.eks.NodeGroup "prod-a-nodes" of cluster "a" \(through dependsOn\)/,
    );
  });

  it("rejects a Kubernetes resource on cluster b's provider parented to cluster a's cell", () => {
    const { nodes, clusters } = environmentGraph();
    clusters.b.kyverno.parent = clusters.a.cell.urn;
    assertOneFinding(
      check(noCrossClusterDependency, nodes),
      clusters.b.kyverno.urn,
      /k8s.helm.v3.Release "prod-b-kyverno" belongs to cluster "b" but depends on active-active.ClusterCell "prod-a" of cluster "a" \(as its parent\)/,
      /Create it under a component of cluster "b"/,
    );
  });

  it("rejects a Kubernetes provider of cluster b built from cluster a's kubeconfig", () => {
    const { nodes, clusters } = environmentGraph();
    // The provider stays in b's cell, but its kubeconfig now comes from a's cluster.
    clusters.b.provider.propertyDependencies.kubeconfig = [clusters.a.eks.urn];
    clusters.b.provider.dependencies = [clusters.a.eks.urn];
    const findings = check(noCrossClusterDependency, nodes);
    assert.ok(
      findings.some(
        (f) =>
          f.urn === clusters.b.provider.urn &&
          /depends on eks.Cluster "prod-a-eks" of cluster "a" \(through its property "kubeconfig"\)/.test(
            f.message,
          ),
      ),
      findings.map((f) => f.message).join("\n"),
    );
  });

  it("rejects a VPC of cluster b created with cluster a's AWS provider (another region or account)", () => {
    const { g, nodes, clusters } = environmentGraph();
    const awsA = g.add({
      type: "pulumi:providers:aws",
      name: "prod-a-aws",
      parent: clusters.a.cell,
      inputs: { region: "us-west-2" },
    });
    clusters.b.vpc.provider = awsA.urn;
    assertOneFinding(
      check(noCrossClusterDependency, nodes),
      clusters.b.vpc.urn,
      /aws.ec2.Vpc "prod-b-vpc" belongs to cluster "b" but depends on aws.Provider "prod-a-aws" of cluster "a" \(as its provider\)/,
      /Use cluster "b"'s own provider/,
    );
  });

  it("leaves a database in cluster a's subnet that b uses to no-shared-single-cluster-dependency", () => {
    // Outside the clusters, a's only through its subnet: one shared dependency, not one
    // cross-cluster dependency per cluster that uses it.
    const { g, nodes, clusters } = environmentGraph();
    const db = g.add({
      type: "aws:rds/instance:Instance",
      name: "orders",
      uses: { dbSubnetGroupName: [clusters.a.subnet] },
    });
    clusters.b.deployment.propertyDependencies.spec = [db.urn];
    assert.deepEqual(check(noCrossClusterDependency, nodes), []);
  });

  it("rejects a Deployment of cluster b that uses a database in cluster a's cell", () => {
    const { g, nodes, clusters } = environmentGraph();
    const db = g.add({
      type: "aws:rds/instance:Instance",
      name: "orders",
      parent: clusters.a.cell,
    });
    clusters.b.deployment.propertyDependencies.spec = [db.urn];
    assertOneFinding(
      check(noCrossClusterDependency, nodes),
      clusters.b.deployment.urn,
      /k8s.apps.v1.Deployment "prod-web-b" belongs to cluster "b" but depends on aws.rds.Instance "orders" of cluster "a" \(through its property "spec"\)/,
    );
  });

  it("ignores the types listed in ignoreTypes", () => {
    const { nodes, clusters } = environmentGraph();
    clusters.b.nodeGroup.propertyDependencies.subnetIds = [clusters.a.subnet.urn];
    assert.deepEqual(
      check(noCrossClusterDependency, nodes, { ignoreTypes: ["aws:ec2/subnet:Subnet"] }),
      [],
    );
  });
});
