import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { writeSyntheticExport } from "../../../bench/syntheticExport";
import { buildGraphReport } from "../../../automation/check/report";
import { readStackExport } from "../../../automation/stackExport/readStackExport";
import { fromStackExport } from "../../../automation/stackExport/stackExport";
import { encrypted, ExportBuilder } from "../stackExport/_exportFixture";
import { clusterMembership, type Membership } from "../../../graph/membership";

describe("the --json report of a stack export (buildGraphReport)", () => {
  let file: string;
  before(() => {
    file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aa-report-")), "export.json");
    writeSyntheticExport(file, 400);
  });
  after(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }));

  it("gives each cluster its record's weight, its version and its resources; each resource its cluster", () => {
    const { stack, nodes } = readStackExport(file);
    const membership = clusterMembership(nodes);
    const report = buildGraphReport(stack, nodes, membership);
    const expected = (name: string) =>
      nodes.filter((n) => membership.clusterOf.get(n.urn) === urnOf(membership, name)).length;
    assert.deepEqual(report.clusters, [
      { name: "a", weight: 1, kubernetesVersion: "1.33", resources: expected("a") },
      { name: "b", weight: 1, kubernetesVersion: "1.33", resources: expected("b") },
      { name: "c", weight: 1, kubernetesVersion: "1.33", resources: expected("c") },
    ]);
    assert.ok(report.clusters.every((c) => c.resources > 100));
    assert.equal(report.resources.length, nodes.length);
    report.resources.forEach((r, i) => {
      const owner = membership.clusterOf.get(nodes[i].urn);
      const name = membership.clusters.find((c) => c.urn === owner)?.name ?? null;
      assert.equal(r.cluster, name, r.urn);
    });
  });

  it("carries the export's stack outputs, secrets as [secret]", () => {
    const builder = new ExportBuilder("prod", "acme");
    builder.root.outputs = { environment: "prod", kubeconfigs: encrypted("kubeconfigs") };
    const exported = fromStackExport(builder.document(), "export.json");
    const report = buildGraphReport(
      exported.stack,
      exported.nodes,
      clusterMembership(exported.nodes),
    );
    assert.deepEqual(report.outputs, { environment: "prod", kubeconfigs: "[secret]" });
  });

  it("gives each cluster the weight of its own records", () => {
    const { stack, nodes } = readStackExport(file);
    const membership = clusterMembership(nodes);
    const weightOf: Record<string, number> = { a: 3, b: 0, c: 2 };
    for (const n of nodes) {
      const owner = membership.clusters.find((c) => c.urn === membership.clusterOf.get(n.urn));
      if (n.type !== "aws:route53/record:Record" || !owner) continue;
      (n.outputs as Record<string, unknown>).weightedRoutingPolicies = [
        { weight: weightOf[owner.name] },
      ];
    }
    const report = buildGraphReport(stack, nodes, membership);
    assert.deepEqual(
      report.clusters.map((c) => [c.name, c.weight]),
      [
        ["a", 3],
        ["b", 0],
        ["c", 2],
      ],
    );
  });

  it("says the same without the membership's numbered graph (a membership decided elsewhere)", () => {
    const { stack, nodes } = readStackExport(file);
    const membership = clusterMembership(nodes);
    const plain: Membership = { ...membership, numbered: undefined };
    assert.deepEqual(
      buildGraphReport(stack, nodes, plain),
      buildGraphReport(stack, nodes, membership),
    );
  });
});

function urnOf(membership: Membership, name: string): string | undefined {
  return membership.clusters.find((c) => c.name === name)?.urn;
}
