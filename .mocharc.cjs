/* global process, module, require, __dirname */
/* eslint-disable @typescript-eslint/no-require-imports -- mocha loads this file with require */
const fs = require("node:fs");
const path = require("node:path");

// Every test by default (`npx mocha`, `npm test`); only the files named on the command line when
// there are any (`npx mocha dist/test/automation/io.test.js`, after a build). A `spec` in this
// file would be added to the named files, and every test would run anyway.
const named = process.argv.slice(2).some((arg) => /\.test\.[cm]?js$/.test(arg));

// The whole suite runs its files two at a time, each in a worker process: most of its time is
// spent in the `aa` and fake `pulumi` processes the tests start, one after another, so one file
// keeps about one core busy, and CI has two. Named files run in this process, one after another
// (`.only`, a debugger and stack traces work as usual). Files run side by side share no path, port
// or environment variable: each makes its own temporary folder and takes its ports from the
// system.
const everything = { spec: testFiles(), parallel: true, jobs: 2 };

module.exports = {
  ...(named ? {} : everything),
  timeout: 60000,
  reporter: "dot",
  require: ["dist/test/_setup.js"],
};

/**
 * Every *.test.js under dist/test, the longest first: the fuzz suites and the CLI tests (each
 * case a process of its own, up to a minute per file), then the rest in name order. Started
 * last, a long file would keep one worker busy after the other has run out of files. Before a
 * build, the glob itself (mocha then says that no test file matches).
 */
function testFiles() {
  const dir = path.join(__dirname, "dist", "test");
  if (!fs.existsSync(dir)) return ["dist/test/**/*.test.js"];
  const files = fs
    .readdirSync(dir, { recursive: true })
    .filter((file) => file.endsWith(".test.js"))
    .map((file) => path.join(dir, file))
    .sort();
  const slow = (file) => /[/\\]fuzz[/\\]/.test(file) || file.endsWith(".cli.test.js");
  return [...files.filter(slow), ...files.filter((file) => !slow(file))];
}
