import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
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

  it("runs every test file once, two files at a time, the fuzz and CLI tests first: `npx mocha`", () => {
    // The configuration as mocha reads it with no file named (`node -e` has no arguments).
    const r = spawnSync(
      process.execPath,
      ["-e", 'process.stdout.write(JSON.stringify(require("./.mocharc.cjs")))'],
      { cwd: ROOT, encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    const config = JSON.parse(r.stdout) as { spec: string[]; parallel: boolean; jobs: number };
    assert.equal(config.parallel, true);
    assert.equal(config.jobs, 2);
    const dir = path.join(ROOT, "dist", "test");
    const every = (fs.readdirSync(dir, { recursive: true }) as string[])
      .filter((file) => file.endsWith(".test.js"))
      .map((file) => path.join(dir, file))
      .sort();
    assert.ok(every.includes(__filename));
    assert.deepEqual([...config.spec].sort(), every, "each file once");
    const slow = (file: string) => /[/\\]fuzz[/\\]|\.cli\.test\.js$/.test(file);
    const firstOther = config.spec.findIndex((file) => !slow(file));
    assert.ok(firstOther > 0);
    assert.deepEqual(config.spec.slice(firstOther).filter(slow), [], "the slow files come first");
  });
});
