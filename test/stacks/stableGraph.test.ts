import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { evaluateStack } from "../../automation/offline/evaluate";
import { findProject, readEnvironmentStack } from "../../automation/project";
import { ROOT } from "../_cli";
import { graphDigest } from "./_graphDigest";

/** The digest recorded before clusters could have AWS providers of their own, by URN. */
function recorded(env: string): Map<string, string> {
  const text = fs.readFileSync(
    path.join(ROOT, "test", "stacks", "fixtures", `${env}.graph.txt`),
    "utf8",
  );
  const lines = text.split("\n").filter((l) => l && !l.startsWith("#"));
  return new Map(lines.map((l) => [l.slice(17), l.slice(0, 16)]));
}

async function digest(env: string): Promise<Map<string, string>> {
  const project = findProject(ROOT);
  const file = readEnvironmentStack(project, env);
  const evaluation = await evaluateStack({
    project: project.name,
    stack: env,
    config: file.config,
    source: file.path,
  });
  return new Map(graphDigest(evaluation.resources).map((l) => [l.slice(17), l.slice(0, 16)]));
}

/** URNs whose registration differs between two digests, or that only one of them has. */
function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  const urns = [...new Set([...before.keys(), ...after.keys()])];
  return urns.filter((urn) => before.get(urn) !== after.get(urn));
}

describe("an update to per-cluster AWS providers changes nothing for clusters that name no region", () => {
  // Same URNs, parents, providers, dependencies and inputs as recorded: `pulumi up` after the
  // upgrade replaces nothing, updates nothing. If a change here is on purpose, record the digest
  // again (test/stacks/_graphDigest.ts) and say why in the commit.
  for (const env of ["dev", "staging"]) {
    it(`registers the ${env} example exactly as before`, async () => {
      assert.deepEqual(changed(recorded(env), await digest(env)), []);
    });
  }

  it("moves only cluster c of the prod example, which gained a region: same URNs, its own provider", async () => {
    const before = recorded("prod");
    const after = await digest("prod");
    const cell = "active-active:index:Environment$active-active:index:ClusterCell";
    const diff = changed(before, after);
    assert.deepEqual(
      diff.filter(
        (urn) =>
          !/::prod-c(-|::|$)|-c$/.test(urn) &&
          !/-access-/.test(urn) &&
          !/(Deployment|Secret)::prod-api-[abc]$/.test(urn),
      ),
      [],
      "only cluster c's resources and the stack's own outputs change",
    );
    // The prod example also gained access grants since (their entries, on every cluster) and a
    // secret env value for api (a Secret on every cluster, read by api's Deployments).
    const access =
      /\$aws:eks\/access(Entry:AccessEntry|PolicyAssociation:AccessPolicyAssociation)::prod-[abc]-access-|\$kubernetes:core\/v1:Secret::prod-api-[abc]$/;
    const added = [...after.keys()].filter((urn) => !before.has(urn));
    assert.deepEqual(
      added.filter((urn) => !access.test(urn)),
      [`urn:pulumi:prod::active-active::${cell}$pulumi:providers:aws::prod-c-aws`],
    );
    assert.equal(added.filter((urn) => access.test(urn)).length, 3 * (2 + 3) + 3);
    assert.deepEqual(
      [...before.keys()].filter((urn) => !after.has(urn)),
      [],
      "no resource is renamed or removed",
    );
  });
});
