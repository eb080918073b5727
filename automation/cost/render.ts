import Table from "cli-table3";
import { money, percent, rate, showRequests } from "./_format";
import { LINE_ITEMS, LINE_ITEM_LABELS, type CostReport, type LayoutCost } from "./model";

/**
 * The human report of `aa cost`: one table of monthly overhead per line item for N-1, N and N+1
 * (each against one cluster serving everything), the totals, nodes and headroom, then the
 * warnings, notes and assumptions. Pure.
 */
export function renderCostReport(report: CostReport, source: string): string {
  const cur = report.currency;
  const heading = (l: LayoutCost) => `${l.label} = ${l.clusters}${l.belowMinClusters ? " *" : ""}`;
  const table = new Table({
    head: ["per month", ...report.layouts.map(heading)],
    colAligns: ["left", ...report.layouts.map(() => "right" as const)],
    style: { head: [], border: [] },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const key of LINE_ITEMS) {
    table.push([
      LINE_ITEM_LABELS[key],
      ...report.layouts.map((l) => money(l.items[key].overhead, cur)),
    ]);
  }
  table.push(["Overhead vs. one cluster", ...report.layouts.map((l) => money(l.overhead, cur))]);
  table.push(["Total", ...report.layouts.map((l) => money(l.monthly, cur))]);
  table.push(["Nodes (per cluster)", ...report.layouts.map(nodes)]);
  table.push(["Drain headroom per cluster", ...report.layouts.map(headroom)]);

  const single = report.single;
  const lines = [
    `environment ${report.environment} (${source}): what running ${report.configuredClusters} clusters ` +
      "costs over one cluster serving everything",
    `${cur} per month of ${report.hoursPerMonth} h; EKS support tiers as of ${report.asOf}; ` +
      `nodes ${report.node.instanceType} at ${money(report.node.pricePerMonth, cur)}/month each`,
    controlPlaneLine(report),
    ...regionLine(report),
    systemPodLine(report),
    withRules(table.toString(), [1, 1 + LINE_ITEMS.length]),
    `One cluster serving everything: ${money(single.monthly, cur)} per month on ${single.nodes} ` +
      `${report.node.instanceType} node(s). Each line above is what a layout pays beyond that.`,
  ];
  for (const l of report.layouts) {
    for (const w of l.warnings) lines.push(`! ${l.label} = ${l.clusters}: ${w}`);
  }
  if (report.notes.length) lines.push("Notes:", ...report.notes.map((n) => `  - ${n}`));
  lines.push("Assumptions:", ...report.assumptions.map((a) => `  - ${a}`));
  lines.push("Formulas, defaults and their sources: docs/cost.md; every number: aa cost --json.");
  return lines.join("\n") + "\n";
}

/**
 * The table with a horizontal rule after the given rows (counted from the header, 1-based): under
 * the header and above the totals. Row separators are off, so every row is one line.
 */
function withRules(text: string, afterRows: number[]): string {
  const lines = text.split("\n");
  const rule = lines[0].replace("┌", "├").replace(/┬/g, "┼").replace("┐", "┤");
  const out: string[] = [];
  lines.forEach((line, i) => {
    out.push(line);
    if (afterRows.includes(i)) out.push(rule);
  });
  return out.join("\n");
}

function nodes(l: LayoutCost): string {
  const counts = l.perCluster.map((c) => c.nodes);
  const each = new Set(counts).size === 1 ? `${counts[0]} each` : counts.join(", ");
  return `${l.nodes} (${each})`;
}

function headroom(l: LayoutCost): string {
  const values = l.perCluster.map((c) => c.headroom).filter((h): h is number => h !== null);
  if (values.length === 0) return "-";
  const [low, high] = [percent(Math.min(...values)), percent(Math.max(...values))];
  return low === high ? low : `${low} .. ${high}`;
}

/** Which EKS rate the configured clusters are priced at, by version. */
function controlPlaneLine(report: CostReport): string {
  const configured = report.layouts.find((l) => l.label === "N") ?? report.single;
  const byVersion = new Map<string, string>();
  for (const c of configured.perCluster) {
    byVersion.set(
      c.kubernetesVersion,
      `${c.kubernetesVersion} in ${c.controlPlane.support} support, ${rate(c.controlPlane.perHour, report.currency, "h")}`,
    );
  }
  return `EKS control plane rate on ${report.asOf}: ${[...byVersion.values()].join("; ")} per cluster`;
}

/**
 * Which prices each region's clusters are billed at: only when the clusters run in more than one
 * region or a region has prices of its own (otherwise the line above says it all).
 */
function regionLine(report: CostReport): string[] {
  const regions = report.regions;
  if (regions.length < 2 && !regions.some((r) => r.table === "region")) return [];
  const parts = regions.map(
    (r) =>
      `${r.region ?? "no region"} (${r.clusters.join(", ")}): ` +
      (r.table === "region" ? `costs.regions.${r.region}` : "the environment's prices") +
      `, nodes ${money(r.node.pricePerMonth, report.currency)}/month`,
  );
  return [`Prices by region: ${parts.join("; ")}`];
}

/** What the system pods request, per cluster and per node, and which they are. */
function systemPodLine(report: CostReport): string {
  const names = (kind: "Deployment" | "DaemonSet") =>
    report.systemPods
      .filter((p) => p.kind === kind)
      .map((p) => (p.replicas && p.replicas > 1 ? `${p.name} x${p.replicas}` : p.name))
      .join(", ");
  const { perCluster, perNode } = report.systemRequests;
  return (
    `System pods: ${showRequests(perCluster)} per cluster (${names("Deployment")}); ` +
    `${showRequests(perNode)} per node (${names("DaemonSet")})`
  );
}
