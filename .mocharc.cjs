/* global process, module */
// Every test by default (`npx mocha`, `npm test`); only the files named on the command line when
// there are any (`npx mocha dist/test/automation/io.test.js`, after a build). A `spec` in this
// file would be added to the named files, and every test would run anyway.
const named = process.argv.slice(2).some((arg) => /\.test\.[cm]?js$/.test(arg));

module.exports = {
  ...(named ? {} : { spec: ["dist/test/**/*.test.js"] }),
  timeout: 60000,
  reporter: "dot",
  require: ["dist/test/_setup.js"],
};
