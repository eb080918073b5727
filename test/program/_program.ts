import { runOffline, type OfflineResult } from "../../automation/offline/evaluate";
import { main } from "../../program";
import { stackConfigFixture } from "../_fixtures";

/**
 * The program (`program.ts`) under Pulumi's mock runtime as stack "test" of this environment
 * config, from the given deployed outputs, with these environment variables (a directive).
 */
export function runProgram(
  env: Record<string, unknown>,
  deployed: Record<string, unknown> = {},
  vars: Record<string, string> = {},
): Promise<OfflineResult> {
  return runOffline({
    project: "active-active",
    stack: "test",
    config: stackConfigFixture(env),
    program: main,
    deployed,
    env: vars,
  });
}
