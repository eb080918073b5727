import * as assert from "node:assert/strict";
import { clustersUsing } from "../../../automation/check/clusterUse";
import { renderCheckReport } from "../../../automation/check/render";
import type { CheckReport } from "../../../automation/check/report";
import { realExport } from "../../_realEks";

/** A report of four clusters, one resource each ("eks-a", ...), and environment-level `extra`. */
function reportOf(extra: Resource[]): CheckReport {
  const clusters = ["a", "b", "c", "d"];
  const resources: Resource[] = clusters.map((c) => resource(`eks-${c}`, c));
  return {
    environment: "prod",
    clusters: clusters.map((name) => ({
      name,
      weight: 1,
      kubernetesVersion: "1.33",
      resources: 1,
    })),
    // Environment-level resources first: dependencies are registered before their users.
    resources: [...extra, ...resources],
    violations: [],
    outputs: {},
  };
}

type Resource = CheckReport["resources"][number];

function resource(name: string, cluster: string | null, dependencies: string[] = []): Resource {
  const urn = `urn:pulumi:prod::p::t::${name}`;
  return { urn, type: "t", name, parent: null, provider: null, cluster, dependencies };
}

describe("aa check's text summary (renderCheckReport)", () => {
  it("says how many clusters use the environment-level resources, not that every cluster shares them", () => {
    const zone = resource("zone", null);
    const role = resource("role", null);
    const vpc = resource("vpc", null);
    const orphan = resource("orphan", null);
    const report = reportOf([zone, role, vpc, orphan]);
    const users = (urns: string[], names: string[]) =>
      report.resources
        .filter((r) => names.includes(r.name))
        .forEach((r) => r.dependencies.push(...urns));
    users([zone.urn], ["eks-a", "eks-b", "eks-c", "eks-d"]);
    users([role.urn], ["eks-a"]);
    users([vpc.urn], ["eks-b", "eks-c", "eks-d"]);
    const text = renderCheckReport(report, [], "Pulumi.prod.yaml");
    assert.match(
      text,
      /^environment-level resources: 4 \(1 used by every cluster, 1 used by 3 of 4 clusters, 1 used by 1 of 4 clusters, 1 used by no cluster\)$/m,
    );
    assert.doesNotMatch(text, /shared by every cluster/);
  });

  it("counts a cluster that uses a resource through another one, or through its provider", () => {
    const key = resource("key", null);
    const alias = resource("alias", null, [key.urn]);
    const provider = resource("aws-provider", null);
    const report = reportOf([key, alias, provider]);
    const a = report.resources.find((r) => r.name === "eks-a") as Resource;
    a.dependencies.push(alias.urn);
    a.provider = provider.urn;
    assert.deepEqual(
      Array.from(clustersUsing(report)).slice(0, 3),
      [1, 1, 1], // key (through alias), alias, the provider
    );
  });

  it("on a real export: the VPC three of four clusters share is used by 3 of 4", () => {
    const report = realExport("TestProviderUpgrade/cluster/3.0.0").report([]);
    const counts = clustersUsing(report);
    const shared = report.resources
      .filter((r, i) => r.cluster === null && counts[i] === 3 && r.type === "aws:ec2/vpc:Vpc")
      .map((r) => r.name);
    assert.deepEqual(shared, ["example-cluster-2"]);
    assert.match(
      renderCheckReport(report, [], "stack.json"),
      /^environment-level resources: 40 \(1 used by every cluster, 9 used by 3 of 4 clusters, 30 used by no cluster\)$/m,
    );
  });
});
