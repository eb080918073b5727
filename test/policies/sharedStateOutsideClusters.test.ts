import * as assert from "node:assert/strict";
import { sharedStateOutsideClusters } from "../../policies/sharedStateOutsideClusters";
import { assertOneFinding, check } from "./_assert";
import { environmentGraph } from "./_environment";

describe("shared-state-outside-clusters", () => {
  it("is advisory and names nothing in an environment without shared state", () => {
    assert.equal(sharedStateOutsideClusters.enforcementLevel, "advisory");
    assert.deepEqual(check(sharedStateOutsideClusters, environmentGraph().nodes), []);
  });

  it("names a multi-AZ database used by every cluster", () => {
    const { g, nodes, clusters } = environmentGraph();
    const db = g.add({
      type: "aws:rds/instance:Instance",
      name: "orders",
      inputs: { multiAz: true },
    });
    for (const c of ["a", "b", "c"]) clusters[c].deployment.propertyDependencies.spec = [db.urn];
    assertOneFinding(
      check(sharedStateOutsideClusters, nodes),
      db.urn,
      /aws.rds.Instance "orders" is used by clusters "a", "b" and "c": a fault in it is a fault of every one of them/,
    );
  });

  it("does not name a database in cluster a's subnet that every cluster uses: that is rejected", () => {
    // no-shared-single-cluster-dependency reports it, as mandatory: it fails with cluster a.
    const { g, nodes, clusters } = environmentGraph();
    const db = g.add({
      type: "aws:rds/instance:Instance",
      name: "orders",
      uses: { dbSubnetGroupName: [clusters.a.subnet] },
      inputs: { multiAz: true },
    });
    for (const c of ["a", "b", "c"]) clusters[c].deployment.propertyDependencies.spec = [db.urn];
    assert.deepEqual(check(sharedStateOutsideClusters, nodes), []);
  });

  it("names a single-AZ database instance", () => {
    const { g, nodes, clusters } = environmentGraph();
    const db = g.add({
      type: "aws:rds/instance:Instance",
      name: "cache-db",
      parent: clusters.a.cell,
      inputs: { multiAz: false },
    });
    assertOneFinding(
      check(sharedStateOutsideClusters, nodes),
      db.urn,
      /aws.rds.Instance "cache-db" runs in a single availability zone and serves cluster\(s\) "a"/,
      /Set multiAz: true/,
    );
  });

  it("names one NAT gateway that the subnets of every cluster route through", () => {
    const { g, nodes, clusters } = environmentGraph();
    const nat = g.add({ type: "aws:ec2/natGateway:NatGateway", name: "shared-nat" });
    const routes = g.add({
      type: "aws:ec2/routeTable:RouteTable",
      name: "private",
      uses: { routes: [nat] },
    });
    for (const c of ["a", "b", "c"]) {
      g.add({
        type: "aws:ec2/routeTableAssociation:RouteTableAssociation",
        name: `private-${c}`,
        uses: { routeTableId: [routes], subnetId: [clusters[c].subnet] },
      });
    }
    assertOneFinding(
      check(sharedStateOutsideClusters, nodes),
      nat.urn,
      /aws.ec2.NatGateway "shared-nat" carries the outbound traffic of clusters "a", "b" and "c"/,
    );
  });

  it("names a VPC that several clusters share", () => {
    const { nodes, clusters } = environmentGraph();
    for (const c of ["a", "b", "c"]) clusters[c].eks.inputs.vpcId = "vpc-0shared";
    assertOneFinding(
      check(sharedStateOutsideClusters, nodes),
      clusters.a.eks.urn,
      /Clusters "a", "b" and "c" share the VPC vpc-0shared/,
    );
  });

  it("honours requireMultiAz: false", () => {
    const { g, nodes } = environmentGraph();
    g.add({ type: "aws:rds/instance:Instance", name: "cache-db", inputs: { multiAz: false } });
    assert.deepEqual(check(sharedStateOutsideClusters, nodes, { requireMultiAz: false }), []);
  });
});
