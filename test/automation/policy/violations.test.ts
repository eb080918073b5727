import * as assert from "node:assert/strict";
import type { Diagnostic } from "../../../automation/policy/analyzerClient";
import { stackResourceUrn, toViolations } from "../../../automation/policy/violations";
import { fromStackExport } from "../../../automation/stackExport/stackExport";
import { clusterMembership } from "../../../graph/membership";
import { ExportBuilder } from "../stackExport/_exportFixture";

/** A finding of a stack policy that names no resource, as AnalyzeStack may return it. */
function stackFinding(message = "needs at least 2 clusters"): Diagnostic {
  return {
    policyName: "min-clusters",
    policyPackName: "active-active",
    policyPackVersion: "",
    description: "",
    message,
    level: "mandatory",
    urn: "",
  };
}

describe("turning the pack's diagnostics into violations (toViolations)", () => {
  it("attaches a finding without a resource to the root stack resource", () => {
    const { nodes, stack, project } = fromStackExport(new ExportBuilder().document(), "s");
    const [v] = toViolations([stackFinding()], nodes, clusterMembership(nodes), [], {
      stack,
      project,
    });
    assert.equal(v.urn, "urn:pulumi:prod::acme::pulumi:pulumi:Stack::acme-prod");
    assert.equal(v.cluster, null);
  });

  it("attaches it to the URN Pulumi gives the stack resource when the graph has none", () => {
    const empty = toViolations([stackFinding()], [], clusterMembership([]), [], {
      stack: "dev",
      project: "shop",
    });
    assert.deepEqual(
      empty.map((v) => v.urn),
      ["urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev"],
    );
    assert.equal(stackResourceUrn("dev", "shop"), empty[0].urn);
    const b = new ExportBuilder("dev", "shop");
    b.add({ type: "aws:s3/bucket:Bucket", name: "logs" });
    const rootless = fromStackExport(b.document(), "s").nodes.slice(1);
    const [v] = toViolations([stackFinding()], rootless, clusterMembership(rootless), [], {
      stack: "dev",
      project: "shop",
    });
    assert.equal(v.urn, "urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev");
  });
});
