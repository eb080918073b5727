import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as fc from "fast-check";
import { aaBounded, assertHandled, fuzz, literally } from "./_fuzz";

/**
 * Command-line flags as a careless or malicious user types them, on the commands that run long
 * (`aa rollout --simulate`, `aa plan --simulate`): each case gives one flag a hostile value (or
 * the environment a hostile name) on an otherwise good command line. A usage error is exit 2
 * before anything runs, naming the flag; a value that is fine runs (exit 0; a rehearsal may
 * halt or refuse, 4 or 5, as documented). Never a hang, a trace, or exit 3.
 */

/** Numbers as people mistype them, and a few that are fine. */
const number = fc.oneof(
  fc.constantFrom(
    "0",
    "-1",
    "1.5",
    "1e9",
    "100000000",
    "abc",
    "",
    " ",
    "NaN",
    "Infinity",
    "0x10",
    "9".repeat(400),
    "1",
    "5",
  ),
  fc.integer({ min: -10, max: 10 ** 7 }).map(String),
  fc.string({ maxLength: 6 }),
);

/** Cluster lists for --order: repeats, unknown names, empty parts, and a good one. */
const order = fc.oneof(
  fc.constantFrom("a,b,z", "a,a,b", "c", "", ",", "a,,b", "A,B,C", "c,b,a", "a,b,c,d"),
  fc.array(fc.constantFrom("a", "b", "c", "x", ""), { maxLength: 5 }).map((xs) => xs.join(",")),
);

/**
 * Files that are not what the flag wants. Names in capitals are made in the scratch folder; no
 * case names a file outside it that could be written (`--sim-state` writes).
 */
const file = fc.constantFrom(
  "/dev/zero",
  "/nonexistent-dir/s.json",
  "/",
  "",
  "SCRATCH-FOLDER",
  "NOT-JSON",
  "EMPTY",
  "TRAVERSAL",
);

/** Environment names that are not names (a NUL byte cannot be passed in argv at all). */
const environment = fc.oneof(
  fc.constantFrom("dev/../../../x", "..", "", " ", "é", "x".repeat(1000), "-dev", "nope"),
  fc.string({ maxLength: 12 }),
);

type Case =
  | { command: "rollout" | "plan"; flag: string; value: string }
  | { command: "rollout" | "plan"; env: string };

const rolloutFlag = fc.oneof(
  ...["--poll", "--soak", "--health-timeout", "--drain", "--max-steps"].map((flag) =>
    fc.record({ command: fc.constant("rollout" as const), flag: fc.constant(flag), value: number }),
  ),
  fc.record({
    command: fc.constant("rollout" as const),
    flag: fc.constant("--order"),
    value: order,
  }),
  fc.record({
    command: fc.constant("rollout" as const),
    flag: fc.constantFrom("--deployed", "--sim-state"),
    value: file,
  }),
  fc.record({
    command: fc.constant("rollout" as const),
    flag: fc.constant("--fault"),
    value: fc.constantFrom(
      "b:gate-fails",
      "z:gate-fails",
      "b:nonsense",
      "b",
      ":",
      "b:gate-fails:x",
    ),
  }),
);

const planFlag = fc.oneof(
  fc.record({ command: fc.constant("plan" as const), flag: fc.constant("--order"), value: order }),
  fc.record({
    command: fc.constant("plan" as const),
    flag: fc.constant("--deployed"),
    value: file,
  }),
);

const cases: fc.Arbitrary<Case> = fc.oneof(
  { weight: 4, arbitrary: rolloutFlag },
  { weight: 2, arbitrary: planFlag },
  {
    weight: 1,
    arbitrary: fc.record({
      command: fc.constantFrom("rollout" as const, "plan" as const),
      env: environment,
    }),
  },
);

describe("fuzz: hostile command-line flags (usage errors are exit 2 before anything runs)", function () {
  this.timeout(600_000);
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-fuzz-cli-"));
    fs.writeFileSync(path.join(dir, "NOT-JSON"), "clusters: [a, b]\n");
    fs.writeFileSync(path.join(dir, "EMPTY"), "");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("on aa rollout --simulate and aa plan --simulate", async () => {
    const codes = new Set<number | null>();
    await fuzz(cases, 20, async (c) => {
      const env = "env" in c ? c.env : "dev";
      const scratch: Record<string, string> = {
        "SCRATCH-FOLDER": dir,
        "NOT-JSON": path.join(dir, "NOT-JSON"),
        EMPTY: path.join(dir, "EMPTY"),
        TRAVERSAL: path.join(dir, "x", "..", "..", path.basename(dir), "NOT-JSON"),
      };
      const base = ["--simulate", "--json", "--max-steps", "1"];
      const args =
        "env" in c
          ? [c.command, env, "--simulate", "--json"]
          : [
              c.command,
              env,
              ...(c.command === "rollout" ? base : ["--simulate", "--json"]),
              c.flag,
              scratch[c.value] ?? c.value,
            ];
      const result = await aaBounded(args);
      codes.add(result.code);
      const names =
        "env" in c
          ? /environment|stack file|unknown option|too many arguments/
          : literally(c.flag === "--fault" ? "fault" : c.flag);
      assertHandled(result, names, c.command === "rollout" ? [0, 1, 2, 4, 5] : [0, 1, 2, 5]);
    });
    assert.ok(codes.has(2), `exit codes seen: ${[...codes].join(", ")}`);
  });
});
