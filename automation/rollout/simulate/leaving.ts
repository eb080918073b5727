import { messageOf } from "../../../errors/aaError";
import { directiveEnv, type DeployedCluster, type Directive } from "../../../config/rolloutState";
import { clusterMembership } from "../../../graph/membership";
import { main } from "../../../program";
import {
  EvaluationError,
  runOffline,
  type Evaluation,
  type StackInput,
} from "../../offline/evaluate";

/**
 * When a deployed cluster is no longer in the config: the program evaluated from the deployed
 * state as during a rollout, which still builds that cluster, so the rehearsal knows what its
 * removal deletes.
 */
export async function evaluateLeaving(
  input: StackInput & { configured: readonly string[] },
  deployed: DeployedCluster[] | undefined,
): Promise<Pick<Evaluation, "resources" | "membership"> | undefined> {
  const configured = new Set(input.configured);
  if (!deployed?.some((d) => !configured.has(d.name))) return undefined;
  const holding: Directive = {
    drained: [],
    record: {
      id: "rehearsal",
      startedAt: new Date(0).toISOString(),
      startedBy: "aa rollout --simulate",
      target: {},
      drained: [],
      state: "in-progress",
    },
  };
  const result = await runOffline({
    project: input.project,
    stack: input.stack,
    config: input.config,
    program: main,
    deployed: { clusters: deployed, rollout: null },
    env: directiveEnv(holding),
  });
  if (result.error !== undefined) {
    throw new EvaluationError(
      `the program failed for ${input.source} from the deployed state: ${messageOf(result.error)}`,
    );
  }
  return { resources: result.resources, membership: clusterMembership(result.resources) };
}
