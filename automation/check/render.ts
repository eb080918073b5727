import Table from "cli-table3";
import type { ClusterSpec } from "../../config/clusters";
import { environmentLevelUse } from "./clusterUse";
import type { CheckReport } from "./report";

/**
 * The human summary of `aa check`: one row per cluster, then the environment-level rest, by how
 * many clusters use it.
 */
export function renderCheckReport(
  report: CheckReport,
  clusters: ClusterSpec[],
  source: string,
): string {
  const table = new Table({
    head: ["cluster", "weight", "share", "kubernetes", "generation", "resources"],
    style: { head: [], border: [] },
  });
  const total = report.clusters.reduce((sum, c) => sum + (c.weight ?? 0), 0);
  for (const row of report.clusters) {
    const spec = clusters.find((c) => c.name === row.name);
    table.push([
      row.name,
      row.weight === null ? "-" : String(row.weight),
      total > 0 && row.weight !== null ? `${Math.round((100 * row.weight) / total)}%` : "-",
      row.kubernetesVersion ?? "-",
      spec?.generation ?? "-",
      String(row.resources),
    ]);
  }
  const environmentLevel = report.resources.filter((r) => r.cluster === null).length;
  // Environment-level means "of no one cluster", not "shared by every cluster": say by how many.
  const use = environmentLevel > 0 ? ` (${environmentLevelUse(report)})` : "";
  const lines = [
    `environment ${report.environment} (${source}): ${report.clusters.length} clusters, ${report.resources.length} resources`,
    table.toString(),
    `environment-level resources: ${environmentLevel}${use}`,
  ];
  return lines.join("\n") + "\n";
}
