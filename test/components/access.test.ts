import * as assert from "node:assert/strict";
import type { Evaluation } from "../../automation/offline/evaluate";
import { clusterFixture, environmentFixture } from "../_fixtures";
import { evaluateFixture, query } from "./_offline";

const CI = "arn:aws:iam::123456789012:role/platform-ci";
const DEV = "arn:aws:iam::123456789012:role/developers";

const access = [
  { principalArn: CI, policy: "cluster-admin" },
  { principalArn: DEV, policy: "view" },
  { principalArn: DEV, policy: "edit", namespaces: ["apps", "web"] },
];

/** Clusters a and b on the environment's AWS provider, c in another region with its own. */
const withAccess = (grants: unknown[]) =>
  environmentFixture({
    access: grants,
    clusters: [
      clusterFixture("a", 0),
      clusterFixture("b", 1),
      clusterFixture("c", 2, { region: "eu-west-1" }),
    ],
  });

describe("access: EKS access entries on every cluster", () => {
  let evaluation: Evaluation;
  let q: ReturnType<typeof query>;

  before(async () => {
    evaluation = await evaluateFixture(withAccess(access));
    q = query(evaluation);
  });

  it("gives every cluster one entry per principal, on that cluster and its AWS provider", () => {
    for (const cluster of ["a", "b", "c"]) {
      const entries = q.inCluster(cluster, "aws:eks/accessEntry:AccessEntry");
      assert.deepEqual(
        entries.map((e) => [e.inputs.principalArn, e.inputs.type]),
        [
          [CI, "STANDARD"],
          [DEV, "STANDARD"],
        ],
        cluster,
      );
      // As every AWS resource of the cluster: its node group's cluster name and provider.
      const nodeGroup = q.inCluster(cluster, "aws:eks/nodeGroup:NodeGroup")[0];
      for (const e of entries) {
        assert.equal(e.inputs.clusterName, nodeGroup.inputs.clusterName);
        assert.equal(e.provider, nodeGroup.provider);
        assert.ok(e.propertyDependencies.clusterName?.length, "clusterName comes from the cluster");
      }
      if (cluster === "c") assert.match(String(nodeGroup.provider), /::test-c-aws$/);
    }
  });

  it("associates each policy at its scope, in the principal's partition", () => {
    const associations = q
      .inCluster("b", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation")
      .map((a) => [a.inputs.principalArn, a.inputs.policyArn, a.inputs.accessScope]);
    assert.deepEqual(associations, [
      [
        CI,
        "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        { type: "cluster" },
      ],
      [DEV, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy", { type: "cluster" }],
      [
        DEV,
        "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
        { type: "namespace", namespaces: ["apps", "web"] },
      ],
    ]);
  });

  it("names entries by principal, so reordering the list replaces nothing", async () => {
    const reordered = query(await evaluateFixture(withAccess([...access].reverse())));
    const urns = (qq: ReturnType<typeof query>) =>
      [
        ...qq.ofType("aws:eks/accessEntry:AccessEntry"),
        ...qq.ofType("aws:eks/accessPolicyAssociation:AccessPolicyAssociation"),
      ]
        .map((r) => r.urn)
        .sort();
    assert.deepEqual(urns(reordered), urns(q));
    assert.equal(urns(q).length, 3 * (2 + 3));
  });

  it("creates none without access", async () => {
    const none = query(await evaluateFixture(withAccess([])));
    assert.deepEqual(none.ofType("aws:eks/accessEntry:AccessEntry"), []);
  });
});
