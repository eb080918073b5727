import { z } from "zod";
import type { ClusterOutput } from "../../components/environment";

/**
 * The deployed state of an environment: the stack outputs the program exports (see
 * `program.ts`), without the secret ones. This is what `aa plan` and `aa rollout` compare the
 * desired state (the stack config) with.
 */
export interface DeployedState {
  /** The environment name the program exported (the stack name). */
  environment: string;
  /** Per-cluster deployed state, in config order. */
  clusters: ClusterOutput[];
}

/** One stack output as the Automation API returns it. */
export interface RawOutput {
  value: unknown;
  secret: boolean;
}

const clusterOutput = z.object({
  name: z.string().min(1),
  weight: z.number().int().min(0),
  endpoint: z.string(),
  kubernetesVersion: z.string().min(1),
  addons: z.object({
    vpcCni: z.string().min(1),
    coredns: z.string().min(1),
    kubeProxy: z.string().min(1),
  }),
  kyvernoVersion: z.string().min(1),
  generation: z.string().min(1),
  ingress: z.record(z.string(), z.string()),
}) satisfies z.ZodType<ClusterOutput>;

const deployedState = z.object({
  environment: z.string().min(1),
  clusters: z.array(clusterOutput).min(1),
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
  for (const key of ["environment", "clusters"] as const) {
    const output = outputs[key];
    if (output?.secret) {
      problems.push(`output "${key}" is a secret; it must be a plain value`);
      continue;
    }
    plain[key] = output?.value;
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
      const got = input === undefined ? "nothing" : (JSON.stringify(input) ?? String(input));
      return `output ${field || "(root)"}: ${issue.message} (got ${got})`;
    }),
  };
}
