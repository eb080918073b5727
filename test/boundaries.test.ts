import * as assert from "node:assert/strict";
import * as path from "node:path";
import { ESLint } from "eslint";
import { configs } from "typescript-eslint";
import { ROOT } from "./_cli";

/**
 * The boundary findings of `code` as if it were the file `file` of this repository, under the
 * repository's own eslint.config.mjs. The files are made up, so no tsconfig holds them: the
 * type-aware rules are turned off for them (the boundary rules need no types). A file that does
 * not parse fails the test rather than passing it with no findings.
 */
async function lint(file: string, code: string): Promise<string[]> {
  const eslint = new ESLint({ cwd: ROOT, overrideConfig: configs.disableTypeChecked });
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, file) });
  const fatal = result.messages.filter((m) => m.fatal);
  assert.deepEqual(fatal, [], `${file} lints without errors`);
  return result.messages.filter((m) => m.ruleId === "no-restricted-imports").map((m) => m.message);
}

describe("boundaries the linter keeps (eslint.config.mjs)", () => {
  it("refuses another folder's private _ file", async () => {
    const messages = await lint(
      "automation/capacity/probe.ts",
      'import { deploymentStatus } from "../health/_rollout";\nexport const g = deploymentStatus;\n',
    );
    assert.equal(messages.length, 1, "one finding");
    assert.match(messages[0], /private to its folder/);
  });

  it("allows a folder's own private file, and a shared module", async () => {
    assert.deepEqual(
      await lint(
        "automation/health/probe.ts",
        'import { deploymentStatus } from "./_rollout";\nimport { kubeSession } from "../k8s/kube";\nexport const g = [deploymentStatus, kubeSession];\n',
      ),
      [],
    );
  });

  it("refuses the CLI's commands in domain code, not in the CLI itself", async () => {
    const code =
      'import { registerCheck } from "../commands/check";\nexport const r = registerCheck;\n';
    const domain = await lint("automation/rollout/probe.ts", code);
    assert.equal(domain.length, 1);
    assert.match(domain[0], /domain code never imports the CLI/);
    assert.deepEqual(
      await lint("automation/commands/probe.ts", code.replace("../commands/", "./")),
      [],
    );
  });
});
