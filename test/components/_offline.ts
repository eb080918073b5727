import { evaluateStack, type Evaluation } from "../../automation/offline/evaluate";
import type { ResourceNode } from "../../graph/resourceGraph";
import { environmentFixture, stackConfigFixture } from "../_fixtures";

/** Evaluates the real program for an environment fixture, offline. */
export function evaluateFixture(
  env: Record<string, unknown> = environmentFixture(),
  stack = "test",
): Promise<Evaluation> {
  return evaluateStack({
    project: "active-active",
    stack,
    config: stackConfigFixture(env),
    source: "test fixture",
  });
}

/** Helpers to query an evaluation. */
export function query(evaluation: Evaluation) {
  const { resources, membership } = evaluation;
  const names = new Map(membership.clusters.map((c) => [c.urn, c.name]));
  const clusterOf = (r: ResourceNode) => names.get(membership.clusterOf.get(r.urn) ?? "");
  return {
    ofType: (type: string) => resources.filter((r) => r.type === type),
    clusterOf,
    byUrn: (urn: string) => resources.find((r) => r.urn === urn),
    inCluster: (cluster: string, type: string) =>
      resources.filter((r) => r.type === type && clusterOf(r) === cluster),
  };
}
