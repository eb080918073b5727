// The program evaluation of `aa check` alone: the stack file read, active-active's program run
// under the mocks with its graph recorded, cluster membership; no policies, no report.
//   node dist/bench/evaluateProgram.js STACK_FILE
// Prints the number of resources recorded; run as a whole process by bench/checkProgram.ts
// (`--evaluate-only`), to time what `aa check` costs before the policies.
import { programTarget } from "../automation/check/targets";
import { findProject, readStackFile } from "../automation/project";

async function main(): Promise<void> {
  const file = process.argv[2];
  if (!file) throw new Error("usage: evaluateProgram.js STACK_FILE");
  const target = await programTarget(findProject(), readStackFile(file));
  console.log(target.nodes.length);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
