import * as assert from "node:assert/strict";
import { evaluateStack } from "../../automation/offline/evaluate";
import { findProject, listEnvironments, readEnvironmentStack } from "../../automation/project";
import { ROOT } from "../_cli";

describe("example stacks", () => {
  const project = findProject(ROOT);
  const envs = listEnvironments(project);

  it("ships dev, staging and prod", () => {
    assert.deepEqual(envs, ["dev", "prod", "staging"]);
  });

  for (const env of ["dev", "staging", "prod"]) {
    it(`${env} validates and evaluates with three clusters and every resource placed`, async () => {
      const file = readEnvironmentStack(project, env);
      assert.deepEqual(file.config["pulumi:disable-default-providers"], ["kubernetes"]);
      const evaluation = await evaluateStack({
        project: project.name,
        stack: env,
        config: file.config,
        source: file.path,
      });
      assert.equal(evaluation.clusters.length, 3);
      const unplaced = evaluation.resources.filter(
        (r) =>
          r.custom &&
          r.type !== "pulumi:pulumi:StackReference" && // the stack reading its own outputs
          !evaluation.membership.clusterOf.has(r.urn),
      );
      assert.deepEqual(
        unplaced.map((r) => r.urn),
        [],
        "every custom resource of our components belongs to exactly one cluster",
      );
    });
  }

  it("prod requires three clusters", () => {
    const file = readEnvironmentStack(project, "prod");
    assert.equal(file.config["active-active:minClusters"], 3);
  });
});
