import * as assert from "node:assert/strict";
import { runPoliciesInProcess } from "../../automation/policy/inProcessRunner";
import { hardeningFindings, realExport, recordedRegistrations } from "../_realEks";

// The hardening policies on real EKS graphs recorded by pulumi/pulumi-eks's own tests
// (test/fixtures/real/eks/PROVENANCE.md): each finding as "policy cluster resource", where the
// cluster is the membership's name and the resource is the one the finding is reported on.

const endpoint = (cluster: string, resource: string) => [
  `eks-endpoint-restricted ${cluster} ${resource}`, // no private endpoint
  `eks-endpoint-restricted ${cluster} ${resource}`, // public endpoint open to 0.0.0.0/0
];
const secrets = (cluster: string, resource: string) =>
  `eks-secrets-encrypted ${cluster} ${resource}`;
const imds = (cluster: string, resource: string) => `nodes-require-imdsv2 ${cluster} ${resource}`;

/**
 * The findings on one recorded stack, per shape: `program` (offline: components by their
 * arguments), `children` (a stack export, and a preview that has both the arguments and the
 * children: the children decide).
 */
interface Expected {
  program: string[];
  children: string[];
}

const RECORDED: Record<string, Expected> = {
  // @pulumi/eks 3.0.0: four eks.Clusters with their default node group; example-cluster-1 sets
  // no argument the old check recognised (only nodeAmiId) and was not checked at all.
  "TestProviderUpgrade/cluster/3.0.0": {
    program: [
      ...[
        "example-cluster-1",
        "example-cluster-3",
        "example-cluster-4",
        "example-cluster-2",
      ].flatMap((c) => endpoint(c, c)),
      ...["example-cluster-1", "example-cluster-3", "example-cluster-4", "example-cluster-2"].map(
        (c) => secrets(c, c),
      ),
      ...["example-cluster-1", "example-cluster-3", "example-cluster-4", "example-cluster-2"].map(
        (c) => imds(c, c),
      ),
    ],
    children: [
      ...[
        "example-cluster-3",
        "example-cluster-4",
        "example-cluster-1",
        "example-cluster-2",
      ].flatMap((c) => endpoint(c, `${c}-eksCluster`)),
      ...["example-cluster-3", "example-cluster-4", "example-cluster-1", "example-cluster-2"].map(
        (c) => secrets(c, `${c}-eksCluster`),
      ),
      ...["example-cluster-3", "example-cluster-4", "example-cluster-1", "example-cluster-2"].map(
        (c) => imds(c, `${c}-launchTemplate`),
      ),
    ],
  },
  // Two clusters without default node groups; four eks.NodeGroups (launch configurations) and
  // three eks.NodeGroupV2s (launch templates), none of which @pulumi/eks 3 can make require IMDSv2.
  "TestProviderUpgrade/nodegroup/3.0.0": {
    program: [
      ...endpoint("example-nodegroup-iam-advanced", "example-nodegroup-iam-advanced"),
      ...endpoint("example-nodegroup-iam-simple", "example-nodegroup-iam-simple"),
      secrets("example-nodegroup-iam-advanced", "example-nodegroup-iam-advanced"),
      secrets("example-nodegroup-iam-simple", "example-nodegroup-iam-simple"),
      imds("example-nodegroup-iam-advanced", "example-ng-advanced-ondemand"), // eks.NodeGroupV2
      imds("example-nodegroup-iam-advanced", "example-ng-advanced-spot"),
      imds("example-nodegroup-iam-advanced", "example-ng-advanced-ondemand"), // eks.NodeGroup
      imds("example-nodegroup-iam-simple", "example-ng2-simple-ondemand"),
      imds("example-nodegroup-iam-simple", "example-ng2-launchtemplate-tags"),
      imds("example-nodegroup-iam-simple", "example-ng-simple-spot"),
      imds("example-nodegroup-iam-simple", "example-ng-simple-ondemand"),
    ],
    children: [
      ...endpoint("example-nodegroup-iam-advanced", "example-nodegroup-iam-advanced-eksCluster"),
      ...endpoint("example-nodegroup-iam-simple", "example-nodegroup-iam-simple-eksCluster"),
      secrets("example-nodegroup-iam-advanced", "example-nodegroup-iam-advanced-eksCluster"),
      secrets("example-nodegroup-iam-simple", "example-nodegroup-iam-simple-eksCluster"),
      imds(
        "example-nodegroup-iam-advanced",
        "example-ng-advanced-ondemand-nodeLaunchConfiguration",
      ),
      imds("example-nodegroup-iam-advanced", "example-ng-advanced-spot-nodeLaunchConfiguration"),
      imds("example-nodegroup-iam-advanced", "example-ng-advanced-ondemand-launchTemplate"),
      imds("example-nodegroup-iam-simple", "example-ng-simple-ondemand-nodeLaunchConfiguration"),
      imds("example-nodegroup-iam-simple", "example-ng2-simple-ondemand-launchTemplate"),
      imds("example-nodegroup-iam-simple", "example-ng2-launchtemplate-tags-launchTemplate"),
      imds("example-nodegroup-iam-simple", "example-ng-simple-spot-nodeLaunchConfiguration"),
    ],
  },
  // Five eks.ManagedNodeGroups: ng0, ng3 and ng4 set enableIMDSv2 (their launch templates require
  // tokens: no finding), ng1 and ng2 have no launch template (EKS's defaults).
  "TestProviderUpgrade/managed-nodegroups/3.0.0": {
    program: [
      ...endpoint("example-managed-nodegroups", "example-managed-nodegroups"),
      secrets("example-managed-nodegroups", "example-managed-nodegroups"),
      imds("example-managed-nodegroups", "example-managed-ng1"),
      imds("example-managed-nodegroups", "example-managed-ng2"),
    ],
    children: [
      ...endpoint("example-managed-nodegroups", "example-managed-nodegroups-eksCluster"),
      secrets("example-managed-nodegroups", "example-managed-nodegroups-eksCluster"),
      imds("example-managed-nodegroups", "example-managed-ng1"), // the aws.eks.NodeGroups
      imds("example-managed-nodegroups", "example-managed-ng2"),
    ],
  },
  // encryptionConfigKeyArn from a KMS key of the same program: secrets are encrypted.
  "TestProviderUpgrade/encryption-provider/3.0.0": {
    program: [
      ...endpoint("encryption-provider", "encryption-provider"),
      imds("encryption-provider", "encryption-provider"),
    ],
    children: [
      ...endpoint("encryption-provider", "encryption-provider-eksCluster"),
      imds("encryption-provider", "encryption-provider-launchTemplate"),
    ],
  },
};

/** Stack exports of @pulumi/eks before 3 (local components: their children are in every graph). */
const EXPORTS_BEFORE_3: Record<string, string[]> = {
  // Four eks.Clusters whose default node groups run on launch configurations.
  "TestProviderUpgrade/cluster/2.5.2": [
    ...["example-cluster-1", "example-cluster-3", "example-cluster-4", "example-cluster-2"].flatMap(
      (c) => endpoint(c, `${c}-eksCluster`),
    ),
    ...["example-cluster-1", "example-cluster-3", "example-cluster-4", "example-cluster-2"].map(
      (c) => secrets(c, `${c}-eksCluster`),
    ),
    ...["example-cluster-1", "example-cluster-3", "example-cluster-4", "example-cluster-2"].map(
      (c) => imds(c, `${c}-nodeLaunchConfiguration`),
    ),
  ],
  // An eks.NodeGroupV2 and an eks.NodeGroup made through the cluster (children of it).
  "TestProviderUpgrade/extra-sg/2.5.2": [
    ...endpoint("extra-sg", "extra-sg-eksCluster"),
    secrets("extra-sg", "extra-sg-eksCluster"),
    imds("extra-sg", "example-mng-launchTemplate"),
    imds("extra-sg", "example-ng-nodeLaunchConfiguration"),
  ],
  // An eks.NodeGroupV2 and a managed node group (aws.eks.NodeGroup) without a launch template.
  TestIgnoringScalingChanges: [
    ...endpoint("ignore-scaling-config", "ignore-scaling-config-eksCluster"),
    secrets("ignore-scaling-config", "ignore-scaling-config-eksCluster"),
    imds("ignore-scaling-config", "ignore-scaling-config-ngv2-launchTemplate"),
    imds("ignore-scaling-config", "ignore-scaling-config-mng"),
  ],
};

describe("the hardening policies on real EKS graphs", () => {
  for (const [dir, expected] of Object.entries(RECORDED)) {
    describe(dir, () => {
      it("offline, judges the program's @pulumi/eks components by their arguments and defaults", () => {
        const nodes = recordedRegistrations(dir, "program");
        assert.deepEqual(
          hardeningFindings({ nodes, project: "p", stack: "test" }),
          expected.program,
        );
      });

      it("in a preview with the arguments and the children, judges the children alone", () => {
        const nodes = recordedRegistrations(dir, "engine");
        assert.deepEqual(
          hardeningFindings({ nodes, project: "p", stack: "test" }),
          expected.children,
        );
      });

      it("in its stack export, judges the children", () => {
        assert.deepEqual(hardeningFindings(realExport(dir)), expected.children);
      });
    });
  }

  for (const [dir, expected] of Object.entries(EXPORTS_BEFORE_3)) {
    it(`${dir}: judges the stack export of @pulumi/eks before 3 by its children`, () => {
      assert.deepEqual(hardeningFindings(realExport(dir)), expected);
    });
  }

  it("names the membership's cluster in every message, and reports each resource at most once per policy", () => {
    for (const dir of [...Object.keys(RECORDED), ...Object.keys(EXPORTS_BEFORE_3)]) {
      const target = realExport(dir);
      const { violations } = runPoliciesInProcess({ ...target });
      const hardening = violations.filter((v) =>
        ["eks-secrets-encrypted", "nodes-require-imdsv2"].includes(v.policy),
      );
      assert.ok(hardening.length > 0, dir);
      const seen = new Set<string>();
      for (const v of hardening) {
        assert.ok(v.cluster, `${dir}: ${v.message}`);
        assert.ok(v.message.includes(`cluster "${v.cluster}"`), `${dir}: ${v.message}`);
        assert.ok(!/cluster "[^"]*-eksCluster"/.test(v.message), `${dir}: ${v.message}`);
        const key = `${v.policy} ${v.urn}`;
        assert.ok(!seen.has(key), `${dir}: twice ${key}`);
        seen.add(key);
      }
    }
  });
});
