import { clusterMembership } from "../../graph/membership";
import { displayPath } from "../project";
import { readStackExport } from "../state/readStackExport";
import { buildGraphReport } from "./report";
import type { CheckTarget } from "./targets";

// Kept apart from the program targets (targets.ts), which load the config schemas: checking a
// large export should load no more than it uses.

/** A `pulumi stack export` file (or "-" for standard input). */
export function stateTarget(file: string, stdin?: () => string): CheckTarget {
  const exported = readStackExport(file, stdin);
  const membership = clusterMembership(exported.nodes);
  return {
    project: exported.project,
    stack: exported.stack,
    source: file === "-" ? "standard input" : displayPath(file),
    nodes: exported.nodes,
    membership,
    stackConfig: {},
    clusters: [],
    report: (violations) =>
      buildGraphReport(exported.stack, exported.nodes, membership, violations),
  };
}
