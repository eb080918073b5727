import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { POLICIES } from "../../policies/all";
import { ROOT } from "../_cli";

/** The rows of docs/policies.md's table of policies: name, level, kind, settings. */
function documentedPolicies(): Map<string, { level: string; kind: string; settings: string }> {
  const docs = fs.readFileSync(path.join(ROOT, "docs", "policies.md"), "utf8");
  const rows = new Map<string, { level: string; kind: string; settings: string }>();
  for (const m of docs.matchAll(
    /^\| \[`([a-z0-9-]+)`\]\(#\1\) +\| (\w+) +\| (\w+) +\| (.*) \|$/gm,
  )) {
    rows.set(m[1], { level: m[2], kind: m[3], settings: m[4] });
  }
  return rows;
}

describe("docs/policies.md", () => {
  const docs = fs.readFileSync(path.join(ROOT, "docs", "policies.md"), "utf8");
  const rows = documentedPolicies();

  it("lists every policy of the pack in its table, in the pack's order, and no other", () => {
    assert.deepEqual(
      [...rows.keys()],
      POLICIES.map((p) => p.name),
    );
  });

  for (const policy of POLICIES) {
    it(`documents ${policy.name}: its level, kind, settings and a section of its own`, () => {
      const row = rows.get(policy.name);
      assert.ok(row, `${policy.name} is not in the table`);
      assert.deepEqual([row.level, row.kind], [policy.enforcementLevel, policy.scope]);
      for (const setting of Object.keys(policy.config)) {
        assert.ok(row.settings.includes(`\`${setting}\``), `setting ${setting} is not listed`);
      }
      assert.match(docs, new RegExp(`^### ${policy.name}$`, "m"));
    });
  }
});
