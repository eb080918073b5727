import * as assert from "node:assert/strict";
import { eksSecretsEncrypted } from "../../policies/eksSecretsEncrypted";
import { assertOneFinding, check } from "./_assert";
import { environmentGraph } from "./_environment";
import { GraphBuilder } from "./_graph";
import { exportedCluster, programCluster } from "./_eksGraphs";

describe("eks-secrets-encrypted", () => {
  it("is a mandatory stack policy and passes clusters with a secrets key", () => {
    assert.equal(eksSecretsEncrypted.enforcementLevel, "mandatory");
    assert.equal(eksSecretsEncrypted.scope, "stack");
    assert.deepEqual(check(eksSecretsEncrypted, environmentGraph().nodes), []);
  });

  it("rejects an eks.Cluster without encryptionConfigKeyArn", () => {
    const { nodes, clusters } = environmentGraph();
    delete clusters.b.eks.inputs.encryptionConfigKeyArn;
    assertOneFinding(
      check(eksSecretsEncrypted, nodes),
      clusters.b.eks.urn,
      /eks.Cluster "prod-b-eks" \(cluster "b"\) does not encrypt Kubernetes secrets with a KMS key/,
      /set encryptionConfigKeyArn on the eks.Cluster/,
    );
  });

  it("accepts a key ARN not known yet (the key is created in the same update)", () => {
    const { nodes, clusters } = environmentGraph();
    clusters.b.eks.inputs.encryptionConfigKeyArn = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
    assert.deepEqual(check(eksSecretsEncrypted, nodes), []);
  });

  it("rejects an aws.eks.Cluster whose encryptionConfig does not cover secrets", () => {
    const g = new GraphBuilder();
    g.add({
      type: "aws:eks/cluster:Cluster",
      name: "east",
      inputs: { encryptionConfig: { provider: { keyArn: "arn:k" }, resources: ["secrets"] } },
    });
    const west = g.add({
      type: "aws:eks/cluster:Cluster",
      name: "west",
      inputs: { encryptionConfig: { provider: { keyArn: "arn:k" }, resources: [] } },
    });
    assertOneFinding(
      check(eksSecretsEncrypted, g.nodes),
      west.urn,
      /aws.eks.Cluster "west" \(cluster "west"\)/,
      /set encryptionConfig \{ provider: \{ keyArn \}, resources: \["secrets"\] \}/,
    );
  });

  it("rejects an eks.Cluster whose arguments leave encryption at its default (none)", () => {
    const g = new GraphBuilder();
    const cluster = programCluster(g, "example-cluster-1", { nodeAmiId: "ami-066e69f6f03b5383e" });
    assertOneFinding(
      check(eksSecretsEncrypted, g.nodes),
      cluster.urn,
      /^eks.Cluster "example-cluster-1" \(cluster "example-cluster-1"\) does not encrypt/,
    );
  });

  it("reads an export's aws.eks.Cluster, not the eks.Cluster that keeps no arguments there", () => {
    const g = new GraphBuilder();
    const plain = exportedCluster(g, "plain");
    exportedCluster(g, "encrypted", {
      encryptionConfig: {
        provider: { keyArn: "arn:aws:kms:us-west-2:1:key/k" },
        resources: ["secrets"],
      },
    });
    assertOneFinding(
      check(eksSecretsEncrypted, g.nodes),
      plain.eksCluster.urn,
      /^aws.eks.Cluster "plain-eksCluster" of eks.Cluster "plain" \(cluster "plain"\) does not encrypt/,
      /set encryptionConfigKeyArn on the eks.Cluster/,
    );
  });

  it("judges a preview that has the arguments and the child by the child alone", () => {
    const g = new GraphBuilder();
    const { eksCluster } = exportedCluster(g, "east", {
      args: { encryptionConfigKeyArn: "arn:k" },
    });
    assertOneFinding(check(eksSecretsEncrypted, g.nodes), eksCluster.urn, /does not encrypt/);
  });
});
