import { GraphIndex } from "../../graph/graphIndex";
import { GraphNumbering } from "../../graph/graphNumbering";
import { clusterMembership } from "../../graph/membership";
import { readStackExport } from "../stackExport/readStackExport";
import { checkStateIntegrity } from "../stackExport/stateIntegrity";
import { buildGraphReport } from "./report";
import type { CheckTarget } from "./targets";

// Kept apart from the program targets (targets.ts), which load the config schemas: checking a
// large export should load no more than it uses.

/**
 * A Pulumi state file (or "-" for standard input): a `pulumi stack export` or a DIY-backend
 * checkpoint, plain or gzipped. Its report says which (`stateFile`), and what is wrong with the
 * state that leaves the audit one reading (`integrity`); a state without one is refused, exit 2
 * (see `checkStateIntegrity`).
 */
export function stateTarget(file: string, stdin?: () => Buffer | string): CheckTarget {
  // The export's URNs are numbered as its resources are read, while they are at hand.
  const numbering = new GraphNumbering();
  const exported = readStackExport(file, stdin, (node) => numbering.add(node));
  // Before anything reasons over the graph: a state without one reading is refused (exit 2).
  const checked = checkStateIntegrity(
    exported,
    new GraphIndex(exported.nodes, numbering),
    file === "-" ? "standard input" : file,
  );
  const { nodes, warnings } = checked;
  const membership = clusterMembership(nodes, checked.index);
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
    integrity: warnings,
    nodes,
    membership,
    stackConfig: {},
    clusters: [],
    report: (violations) => ({
      ...buildGraphReport(exported.stack, nodes, membership, violations),
      stateFile: exported.stateFile,
      integrity: warnings,
    }),
  };
}
