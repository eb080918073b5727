import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { ROOT } from "./_cli";

describe("the test runner's configuration (.mocharc.cjs)", () => {
  it("runs only the file named on the command line: `npx mocha dist/test/<file>.test.js`", () => {
    const mocha = path.join(ROOT, "node_modules", "mocha", "bin", "mocha.js");
    const r = spawnSync(
      process.execPath,
      [mocha, "dist/test/automation/io.test.js", "--reporter", "json"],
      { cwd: ROOT, encoding: "utf8", timeout: 60_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { tests: { file: string }[] };
    assert.ok(report.tests.length > 0);
    const files = new Set(report.tests.map((t) => path.relative(ROOT, t.file)));
    assert.deepEqual([...files], [path.join("dist", "test", "automation", "io.test.js")]);
  });
});
