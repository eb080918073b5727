import { GraphNumbering } from "../../graph/graphNumbering";
import { clusterMembership } from "../../graph/membership";
import { readStackExport } from "../stackExport/readStackExport";
import { buildGraphReport } from "./report";
import type { CheckTarget } from "./targets";

// Kept apart from the program targets (targets.ts), which load the config schemas: checking a
// large export should load no more than it uses.

/**
 * A Pulumi state file (or "-" for standard input): a `pulumi stack export` or a DIY-backend
 * checkpoint, plain or gzipped. Its report says which (`stateFile`).
 */
export function stateTarget(file: string, stdin?: () => Buffer | string): CheckTarget {
  // The export's URNs are numbered as its resources are read, while they are at hand.
  const numbering = new GraphNumbering();
  const exported = readStackExport(file, stdin, (node) => numbering.add(node));
  const membership = clusterMembership(exported.nodes, numbering);
  return {
    project: exported.project,
    stack: exported.stack,
    // Resolved on use (the text report and SARIF name it, --json does not): ../project reads
    // YAML, which checking an export does not otherwise need.
    get source() {
      if (file === "-") return "standard input";
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (require("../project") as typeof import("../project")).displayPath(file);
    },
    stateFile: exported.stateFile,
    nodes: exported.nodes,
    membership,
    stackConfig: {},
    clusters: [],
    report: (violations) => ({
      ...buildGraphReport(exported.stack, exported.nodes, membership, violations),
      stateFile: exported.stateFile,
    }),
  };
}
