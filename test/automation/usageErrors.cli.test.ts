import * as assert from "node:assert/strict";
import { aa, hasStackTrace } from "../_cli";

/** Every case: exit 2 before anything runs, one line naming the option or value and the fix. */
const cases: [string[], RegExp][] = [
  [
    ["plan", "dev", "--order", "a,b,z"],
    /--order names unknown cluster\(s\) z; clusters are a, b, c/,
  ],
  [
    ["plan", "dev", "--order", "a,a,b"],
    /--order must list every cluster once \(a, b, c\); got a, a, b/,
  ],
  [["plan", "dev", "--order", "c"], /--order must list every cluster once/],
  [["rollout", "dev", "--simulate", "--order", "a,b,z"], /--order names unknown cluster\(s\) z/],
  [
    ["rollout", "dev", "--simulate", "--poll", "0"],
    /--poll 0 is out of range; use 1 to 3600 seconds/,
  ],
  [
    ["rollout", "dev", "--simulate", "--soak", "100000000"],
    /--soak 100000000 is out of range; use 0 to 86400 seconds/,
  ],
  [["rollout", "dev", "--simulate", "--health-timeout", "0"], /--health-timeout 0 is out of range/],
  [
    ["rollout", "dev", "--simulate", "--drain", "-5"],
    /--drain "-5" is not a whole number of seconds/,
  ],
  [
    ["rollout", "dev", "--simulate", "--force-unlock"],
    /--force-unlock removes the lock of a real rollout and --simulate rehearses one/,
  ],
  [
    ["rollout", "dev", "--simulate", "--sim-state", "/nonexistent-dir/s.json"],
    /--sim-state \/nonexistent-dir\/s\.json: the folder \/nonexistent-dir does not exist or cannot be written/,
  ],
  [["rollout", "dev", "--sim-state", "s.json"], /--sim-state is for rehearsals; add --simulate/],
  [["check", "dev/../../../x"], /"dev\/\.\.\/\.\.\/\.\.\/x" is not a usable environment name/],
  [
    ["plan", "x".repeat(5000)],
    /"x{40}\.\.\. \(5000 characters\)" is not a usable environment name/,
  ],
];

describe("usage errors: exit 2 before anything runs", () => {
  for (const [args, message] of cases) {
    it(`aa ${args.join(" ").slice(0, 80)}`, () => {
      const r = aa(args);
      assert.equal(r.code, 2, r.stdout + r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, "", "nothing ran");
      assert.ok(!hasStackTrace(r.stderr), r.stderr);
    });
  }
});
