import { messageOf } from "../../../errors/aaError";
import { directiveEnv, type DeployedCluster, type Directive } from "../../../config/rolloutState";
import { clusterMembership } from "../../../graph/membership";
import { main } from "../../../program";
import type { LoadedEnvironment } from "../../environment";
import { EvaluationError, runOffline, type Evaluation } from "../../offline/evaluate";

/**
 * When a deployed cluster is no longer in the config: the program evaluated from the deployed
 * state as during a rollout, which still builds that cluster, so the rehearsal knows what its
 * removal deletes.
 */
export async function evaluateLeaving(
  loaded: LoadedEnvironment,
  deployed: DeployedCluster[] | undefined,
): Promise<Pick<Evaluation, "resources" | "membership"> | undefined> {
  const configured = new Set(loaded.desired.map((d) => d.name));
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
    project: loaded.project.name,
    stack: loaded.environment.name,
    config: loaded.file.config,
    program: main,
    deployed: { clusters: deployed, rollout: null },
    env: directiveEnv(holding),
  });
  if (result.error !== undefined) {
    throw new EvaluationError(
      `the program failed for ${loaded.source} from the deployed state: ${messageOf(result.error)}`,
    );
  }
  return { resources: result.resources, membership: clusterMembership(result.resources) };
}
