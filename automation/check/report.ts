import type { Evaluation } from "../offline/evaluate";

/** One policy violation (filled by the policy pack). */
export interface Violation {
  policy: string;
  level: "mandatory" | "advisory" | "remediate" | "disabled";
  urn: string;
  cluster: string | null;
  message: string;
}

/** The `aa check --json` document. Field names are a contract; keep them. */
export interface CheckReport {
  environment: string;
  clusters: { name: string; weight: number; kubernetesVersion: string; resources: number }[];
  resources: {
    urn: string;
    type: string;
    name: string;
    parent: string | null;
    provider: string | null;
    cluster: string | null;
    dependencies: string[];
  }[];
  violations: Violation[];
}

/** Builds the report from an evaluation. Pure. */
export function buildCheckReport(
  evaluation: Evaluation,
  violations: Violation[] = [],
): CheckReport {
  const { membership } = evaluation;
  const nameOf = new Map(membership.clusters.map((c) => [c.urn, c.name]));
  const resources = evaluation.resources.map((r) => {
    const owner = membership.clusterOf.get(r.urn);
    return {
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent ?? null,
      provider: r.provider ?? null,
      cluster: owner ? (nameOf.get(owner) ?? null) : null,
      dependencies: r.dependencies,
    };
  });
  const counts = new Map<string, number>();
  for (const r of resources) if (r.cluster) counts.set(r.cluster, (counts.get(r.cluster) ?? 0) + 1);
  return {
    environment: evaluation.environment.name,
    clusters: evaluation.clusters.map((c) => ({
      name: c.name,
      weight: c.weight,
      kubernetesVersion: c.settings.kubernetesVersion,
      resources: counts.get(c.name) ?? 0,
    })),
    resources,
    violations,
  };
}
