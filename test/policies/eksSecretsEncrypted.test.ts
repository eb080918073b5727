import * as assert from "node:assert/strict";
import { eksSecretsEncrypted } from "../../policies/eksSecretsEncrypted";
import { assertOneFinding, check } from "./_assert";
import { environmentGraph } from "./_environment";
import { GraphBuilder } from "./_graph";

describe("eks-secrets-encrypted", () => {
  it("is a mandatory resource policy and passes clusters with a secrets key", () => {
    assert.equal(eksSecretsEncrypted.enforcementLevel, "mandatory");
    assert.equal(eksSecretsEncrypted.scope, "resource");
    assert.deepEqual(check(eksSecretsEncrypted, environmentGraph().nodes), []);
  });

  it("rejects an eks.Cluster without encryptionConfigKeyArn", () => {
    const { nodes, clusters } = environmentGraph();
    delete clusters.b.eks.inputs.encryptionConfigKeyArn;
    assertOneFinding(
      check(eksSecretsEncrypted, nodes),
      clusters.b.eks.urn,
      /eks.Cluster "prod-b-eks" \(cluster "b"\) does not encrypt Kubernetes secrets with a KMS key/,
      /set encryptionConfigKeyArn/,
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
    assertOneFinding(check(eksSecretsEncrypted, g.nodes), west.urn, /aws.eks.Cluster "west"/);
  });
});
