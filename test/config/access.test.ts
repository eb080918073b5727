import * as assert from "node:assert/strict";
import { accessEntries, accessSchema, type AccessGrant } from "../../config/access";
import { parseEnvironment } from "../../config/load";
import { environmentFixture } from "../_fixtures";

const OPS = "arn:aws:iam::123456789012:role/ops";

/** The config error for an `access` list, as a user sees it. */
function errorFor(access: unknown): string {
  try {
    parseEnvironment("test", environmentFixture({ access }), "Pulumi.test.yaml");
  } catch (err) {
    return (err as Error).message;
  }
  return "";
}

describe("access config", () => {
  it("defaults to no grants", () => {
    assert.equal(parseEnvironment("test", environmentFixture(), "t").config.access, undefined);
  });

  it("takes roles and users of every partition, each policy, namespaces or the whole cluster", () => {
    const grants = [
      { principalArn: OPS, policy: "cluster-admin" },
      { principalArn: "arn:aws:iam::123456789012:user/alice", policy: "view" },
      { principalArn: "arn:aws-us-gov:iam::123456789012:role/a/b/ci", policy: "admin" },
      {
        principalArn: "arn:aws-cn:iam::123456789012:role/dev",
        policy: "edit",
        namespaces: ["apps"],
      },
    ];
    assert.equal(accessSchema.safeParse(grants).success, true);
  });

  it("names the field, the value and the fix for each mistake", () => {
    assert.match(
      errorFor([{ principalArn: "arn:aws:iam::123:role/x", policy: "view" }]),
      /access\[0\]\.principalArn: "arn:aws:iam::123:role\/x" is not the ARN of an IAM role or user; .*e\.g\. "arn:aws:iam::123456789012:role\/platform-ci"/,
    );
    assert.match(
      errorFor([{ principalArn: OPS, policy: "owner" }]),
      /access\[0\]\.policy: "owner" .*"cluster-admin", "admin", "edit", "view"/,
    );
    assert.match(
      errorFor([{ principalArn: OPS, policy: "cluster-admin", namespaces: ["apps"] }]),
      /access\[0\]\.namespaces: cluster-admin is for the whole cluster; leave namespaces out, or use "admin"/,
    );
    assert.match(
      errorFor([{ principalArn: OPS, policy: "view", namespaces: [] }]),
      /access\[0\]\.namespaces: list at least one namespace/,
    );
    assert.match(
      errorFor([{ principalArn: OPS, policy: "view", namespaces: ["Apps"] }]),
      /access\[0\]\.namespaces\[0\]: "Apps" is not a Kubernetes namespace name/,
    );
    assert.match(
      errorFor([
        { principalArn: OPS, policy: "view" },
        { principalArn: OPS, policy: "view", namespaces: ["apps"] },
      ]),
      /access\[1\]\.policy: access\[0\] already grants "view" to arn:aws:iam::123456789012:role\/ops; list its namespaces in that one entry/,
    );
    assert.match(errorFor([{ principalArn: OPS, policy: "view", groups: ["x"] }]), /access\[0\]/);
  });
});

describe("accessEntries", () => {
  it("gives each principal one entry with its policies, in the principal's partition", () => {
    const grants: AccessGrant[] = [
      { principalArn: OPS, policy: "view" },
      {
        principalArn: "arn:aws-cn:iam::123456789012:role/dev",
        policy: "admin",
        namespaces: ["b", "a", "b"],
      },
      { principalArn: OPS, policy: "edit", namespaces: ["apps"] },
    ];
    assert.deepEqual(accessEntries(grants), [
      {
        principalArn: OPS,
        associations: [
          {
            policy: "view",
            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy",
            scope: { type: "cluster" },
          },
          {
            policy: "edit",
            policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy",
            scope: { type: "namespace", namespaces: ["apps"] },
          },
        ],
      },
      {
        principalArn: "arn:aws-cn:iam::123456789012:role/dev",
        associations: [
          {
            policy: "admin",
            policyArn: "arn:aws-cn:eks::aws:cluster-access-policy/AmazonEKSAdminPolicy",
            scope: { type: "namespace", namespaces: ["a", "b"] },
          },
        ],
      },
    ]);
  });
});
