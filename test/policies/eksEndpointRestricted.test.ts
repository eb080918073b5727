import * as assert from "node:assert/strict";
import { eksEndpointRestricted } from "../../policies/eksEndpointRestricted";
import { assertOneFinding, check } from "./_assert";
import { environmentGraph } from "./_environment";
import { GraphBuilder } from "./_graph";
import { EKS_DEFAULT_VPC_CONFIG, exportedCluster, programCluster } from "./_eksGraphs";

describe("eks-endpoint-restricted", () => {
  it("is a mandatory stack policy and passes a private endpoint plus a listed public CIDR", () => {
    assert.equal(eksEndpointRestricted.enforcementLevel, "mandatory");
    assert.equal(eksEndpointRestricted.scope, "stack");
    assert.deepEqual(check(eksEndpointRestricted, environmentGraph().nodes), []);
  });

  it("rejects a public endpoint open to 0.0.0.0/0", () => {
    const { nodes, clusters } = environmentGraph();
    clusters.b.eks.inputs.publicAccessCidrs = ["0.0.0.0/0"];
    assertOneFinding(
      check(eksEndpointRestricted, nodes),
      clusters.b.eks.urn,
      /eks.Cluster "prod-b-eks" \(cluster "b"\) has a public API endpoint open to 0.0.0.0\/0/,
      /Set publicAccessCidrs/,
    );
  });

  it("rejects a public endpoint without publicAccessCidrs (open to everyone)", () => {
    const { nodes, clusters } = environmentGraph();
    delete clusters.a.eks.inputs.publicAccessCidrs;
    assertOneFinding(
      check(eksEndpointRestricted, nodes),
      clusters.a.eks.urn,
      /open to 0.0.0.0\/0 \(no publicAccessCidrs set\)/,
    );
  });

  it("rejects a cluster without the private endpoint", () => {
    const { nodes, clusters } = environmentGraph();
    delete clusters.c.eks.inputs.endpointPrivateAccess; // @pulumi/eks defaults it to false
    assertOneFinding(
      check(eksEndpointRestricted, nodes),
      clusters.c.eks.urn,
      /has no private API endpoint \(endpointPrivateAccess is not set: @pulumi\/eks defaults it to false\)/,
      /Set endpointPrivateAccess: true/,
    );
  });

  it("rejects any public endpoint when allowPublicEndpoint is false", () => {
    const { nodes, clusters } = environmentGraph({ clusters: ["a", "b"] });
    const findings = check(eksEndpointRestricted, nodes, { allowPublicEndpoint: false });
    assert.deepEqual(
      findings.map((f) => f.urn),
      [clusters.a.eks.urn, clusters.b.eks.urn],
    );
    assert.match(
      findings[0].message,
      /public API endpoint, which this policy's config does not allow/,
    );
  });

  it("reads an aws.eks.Cluster's vpcConfig, and skips CIDRs not known yet", () => {
    const g = new GraphBuilder();
    const open = g.add({
      type: "aws:eks/cluster:Cluster",
      name: "east",
      inputs: { vpcConfig: { endpointPrivateAccess: true, publicAccessCidrs: ["::/0"] } },
    });
    g.add({
      type: "aws:eks/cluster:Cluster",
      name: "west",
      inputs: {
        vpcConfig: {
          endpointPrivateAccess: true,
          publicAccessCidrs: "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        },
      },
    });
    assertOneFinding(check(eksEndpointRestricted, g.nodes), open.urn, /open to ::\/0/);
  });

  describe("program mode: an eks.Cluster by its arguments and @pulumi/eks's defaults", () => {
    it("rejects an eks.Cluster that leaves every endpoint argument at its default", () => {
      const g = new GraphBuilder();
      const cluster = programCluster(g, "example-cluster-1", {
        nodeAmiId: "ami-066e69f6f03b5383e",
      });
      const findings = check(eksEndpointRestricted, g.nodes);
      assert.deepEqual(
        findings.map((f) => f.urn),
        [cluster.urn, cluster.urn],
      );
      assert.match(
        findings[0].message,
        /^eks.Cluster "example-cluster-1" \(cluster "example-cluster-1"\) has no private API endpoint \(endpointPrivateAccess is not set: @pulumi\/eks defaults it to false\)/,
      );
      assert.match(
        findings[1].message,
        /has a public API endpoint \(endpointPublicAccess is not set: @pulumi\/eks defaults it to true\) open to 0.0.0.0\/0 \(no publicAccessCidrs set\)/,
      );
    });

    it("passes an eks.Cluster with only a private endpoint", () => {
      const g = new GraphBuilder();
      programCluster(g, "east", { endpointPrivateAccess: true, endpointPublicAccess: false });
      assert.deepEqual(check(eksEndpointRestricted, g.nodes), []);
    });
  });

  describe("stack export: the aws.eks.Cluster an eks.Cluster created", () => {
    it("rejects what EKS reports for the defaults, once, on the aws.eks.Cluster, named by its cluster", () => {
      const g = new GraphBuilder();
      const { eksCluster } = exportedCluster(g, "example-cluster-3");
      const findings = check(eksEndpointRestricted, g.nodes);
      assert.deepEqual(
        findings.map((f) => f.urn),
        [eksCluster.urn, eksCluster.urn],
      );
      for (const f of findings) {
        assert.match(
          f.message,
          /^aws.eks.Cluster "example-cluster-3-eksCluster" of eks.Cluster "example-cluster-3" \(cluster "example-cluster-3"\)/,
        );
      }
      assert.match(findings[1].message, /open to 0.0.0.0\/0, so anyone/);
    });

    it("passes a restricted endpoint", () => {
      const g = new GraphBuilder();
      exportedCluster(g, "east", {
        vpcConfig: {
          ...EKS_DEFAULT_VPC_CONFIG,
          endpointPrivateAccess: true,
          publicAccessCidrs: ["203.0.113.0/24"],
        },
      });
      assert.deepEqual(check(eksEndpointRestricted, g.nodes), []);
    });

    it("judges a preview that has the arguments and the child by the child alone", () => {
      const g = new GraphBuilder();
      const { eksCluster } = exportedCluster(g, "east", {
        args: { endpointPrivateAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
        vpcConfig: { ...EKS_DEFAULT_VPC_CONFIG, publicAccessCidrs: ["203.0.113.0/24"] },
      });
      assertOneFinding(
        check(eksEndpointRestricted, g.nodes),
        eksCluster.urn,
        /no private API endpoint, so/,
      );
    });
  });
});
