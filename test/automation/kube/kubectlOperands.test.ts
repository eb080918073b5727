import * as assert from "node:assert/strict";
import { Command } from "commander";
import { splitOperands } from "../../../automation/commands/kubectl";

/** Parses `aa <argv>` with a kubectl command shaped like aa's, and splits its operands. */
function split(argv: string) {
  const program = new Command("aa").exitOverride();
  let got: ReturnType<typeof splitOperands> | undefined;
  program
    .command("kubectl")
    .argument("[env]")
    .argument("[kubectl-args...]")
    .option("--cluster <name>")
    .option("--json")
    .action((env: string | undefined, rest: string[]) => {
      got = splitOperands(program, env, rest);
    });
  program.parse(argv.split(" "), { from: "user" });
  return got;
}

describe("aa kubectl's command line", () => {
  const ROWS: [argv: string, env: string | undefined, args: string][] = [
    ["kubectl dev -- get pods -A", "dev", "get pods -A"],
    ["kubectl -- get pods -A", undefined, "get pods -A"],
    ["kubectl dev --json -- get pods", "dev", "get pods"],
    ["kubectl --cluster a -- get pods", undefined, "get pods"],
    ["kubectl dev --cluster a -- -n apps get pods", "dev", "-n apps get pods"],
    ["kubectl -- exec web-0 -- ls -la", undefined, "exec web-0 -- ls -la"],
  ];
  for (const [argv, env, args] of ROWS) {
    it(`aa ${argv}`, () => {
      assert.deepEqual(split(argv), { environment: env, args: args.split(" ") });
    });
  }

  it("asks for -- and for at most one environment", () => {
    assert.throws(() => split("kubectl dev get pods"), /put kubectl's arguments after --/);
    assert.throws(
      () => split("kubectl dev prod -- get pods"),
      /at most one environment before --; got dev prod/,
    );
  });
});
