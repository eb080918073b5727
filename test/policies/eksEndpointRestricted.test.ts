import * as assert from "node:assert/strict";
import { eksEndpointRestricted } from "../../policies/eksEndpointRestricted";
import { assertOneFinding, check } from "./_assert";
import { environmentGraph } from "./_environment";
import { GraphBuilder } from "./_graph";

describe("eks-endpoint-restricted", () => {
  it("is a mandatory resource policy and passes a private endpoint plus a listed public CIDR", () => {
    assert.equal(eksEndpointRestricted.enforcementLevel, "mandatory");
    assert.equal(eksEndpointRestricted.scope, "resource");
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
      /has no private API endpoint/,
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
});
