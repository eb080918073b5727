import { clusterGraph } from "../../../automation/blastRadius/graph";
import type { ClusterGraph } from "../../../automation/blastRadius/steps";
import { loadEnvironment } from "../../../automation/environment";
import { evaluateStack } from "../../../automation/offline/evaluate";

/** The dev example's resource graph, as the program evaluated offline registers it. */
export async function devGraph(): Promise<ClusterGraph> {
  const loaded = loadEnvironment("dev", undefined);
  const evaluation = await evaluateStack({
    project: loaded.project.name,
    stack: "dev",
    config: loaded.file.config,
    source: loaded.source,
  });
  return clusterGraph(evaluation.resources, evaluation.membership);
}
