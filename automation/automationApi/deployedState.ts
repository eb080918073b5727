import { z } from "zod";
import {
  FENCE_OUTPUT,
  deployedClusterSchema,
  fenceSchema,
  rolloutRecordSchema,
  type Fence,
  type DeployedCluster,
  type RolloutRecord,
} from "../../config/rolloutState";

/**
 * The deployed state of an environment: the stack outputs the program exports (see
 * `program.ts`), without the secret ones. This is what `aa plan` and `aa rollout` compare the
 * desired state (the stack config) with.
 */
export interface DeployedState {
  /** The environment name the program exported (the stack name). */
  environment: string;
  /** Per-cluster deployed state (settings, generation, weight, ...), in config order. */
  clusters: DeployedCluster[];
  /** The rollout in progress or halted, if any (the `rollout` output). */
  rollout: RolloutRecord | null;
  /**
   * The lease of the rollout that made the last directed update (the `rolloutLock` output, see
   * `config/rolloutFence.ts`); null when none ever did.
   */
  rolloutLock: Fence | null;
}

/** One stack output as the Automation API returns it. */
export interface RawOutput {
  value: unknown;
  secret: boolean;
}

const deployedState = z.object({
  environment: z.string().min(1),
  clusters: z.array(deployedClusterSchema).min(1),
  rollout: rolloutRecordSchema.nullable().default(null),
  [FENCE_OUTPUT]: fenceSchema.nullable().default(null),
});

/**
 * Reads the deployed state from a stack's outputs. Undefined when the stack has no outputs (never
 * deployed); a list of problems, each naming the output field, the value and what was expected,
 * when the outputs are not this program's.
 */
export function parseDeployedState(
  outputs: Record<string, RawOutput>,
): DeployedState | undefined | { problems: string[] } {
  if (Object.keys(outputs).length === 0) return undefined;
  const plain: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const key of ["environment", "clusters", "rollout", FENCE_OUTPUT] as const) {
    const output = outputs[key];
    if (output?.secret) {
      problems.push(`output "${key}" is a secret; it must be a plain value`);
      continue;
    }
    if (output !== undefined) plain[key] = output.value;
  }
  if (problems.length) return { problems };
  const parsed = deployedState.safeParse(plain, { reportInput: true });
  if (parsed.success) return parsed.data;
  return {
    problems: parsed.error.issues.map((issue) => {
      const field = issue.path
        .map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
        .join("");
      const input = (issue as { input?: unknown }).input;
      // JSON, or the value's own text where JSON has none (a function, a symbol).
      const got =
        input === undefined
          ? "nothing"
          : typeof input === "function" || typeof input === "symbol"
            ? String(input)
            : JSON.stringify(input);
      return `output ${field || "(root)"}: ${issue.message} (got ${got})`;
    }),
  };
}
