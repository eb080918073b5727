import { GraphIndex } from "../../graph/graphIndex";
import {
  graphIntegrity,
  type CycleStep,
  type IntegrityProblem,
  type Reference,
} from "../../graph/integrity";
import type { ResourceNode } from "../../graph/resourceGraph";
import { StackExportError, type ExportedStack } from "./stackExport";

/**
 * A problem with a state's integrity that leaves the audit one reading of the graph: reported
 * with the audit, which goes on. Field names are a contract (`aa check --state --json`).
 */
export interface IntegrityWarning {
  /**
   * "duplicate" (one resource written twice alike), "self-reference" (a resource listed as its
   * own dependency or provider), "missing-reference" (a parent, provider or dependency that is
   * not in the state), "recorded-integrity-error" (the engine's own finding, kept in the state),
   * "pending-operations" (operations the engine began and did not finish).
   */
  kind:
    | "duplicate"
    | "self-reference"
    | "missing-reference"
    | "recorded-integrity-error"
    | "pending-operations";
  /** The resources concerned, the one the warning is about first. */
  urns: string[];
  /** What is wrong, how aa read it, and how to fix the state. */
  message: string;
}

/** A state whose integrity was checked: what the audit reads. */
export interface CheckedState {
  /** The live resources, each URN once (a resource written twice alike is read once). */
  nodes: ResourceNode[];
  /** The numbered graph of `nodes`, for the membership to go on from. */
  index: GraphIndex;
  /** What is wrong but leaves one reading of the graph; empty for a sound state (the rule). */
  warnings: IntegrityWarning[];
}

/** How to change a stack's state by hand (the Pulumi CLI's own commands). */
const EDIT_STATE =
  "`pulumi stack export --file state.json`, correct the resources named, " +
  "`pulumi stack import --file state.json`";

/**
 * Checks the integrity of a state read by {@link fromStackExport} before anything reasons over
 * it (see `graphIntegrity`), and decides, problem by problem:
 *
 * - the graph has no single reading, so neither the clusters nor the policies' findings can be
 *   trusted: copies of one URN that differ (which is the resource?), a resource that is its own
 *   parent, a cycle of parents or of dependencies (what is inside or built on what?). These are
 *   refused together, each naming its URNs: one {@link StackExportError}, exit code 2;
 * - the graph has one reading, stated in the warning, and the audit goes on: copies of one URN
 *   that are the same (read once), a resource that lists itself as a dependency or provider (the
 *   reference adds nothing), references to resources the state does not hold (read without them,
 *   as `pulumi state repair` leaves the state), an integrity error the engine recorded in the
 *   state (`metadata.integrity_error`: the Pulumi CLI keeps such states), and operations the
 *   engine began and did not finish (`pending_operations`).
 *
 * The copies pending deletion (`"delete": true`) that a create-before-delete replacement leaves
 * are part of every sound state: not duplicates, and a reference to one is not missing. Nothing
 * here depends on the order of the resources in the file. `index` is the numbered graph of
 * `exported.nodes`; `source` names the file in messages. Pure.
 */
export function checkStateIntegrity(
  exported: ExportedStack,
  index: GraphIndex,
  source: string,
): CheckedState {
  const pendingDeletion = new Set(exported.pendingDeletion.map((d) => d.urn));
  const problems = graphIntegrity(index, { known: (urn) => pendingDeletion.has(urn) });
  const resourceAt = fileIndexOf(exported);
  const fatal = problems.filter((p) => p.fatal);
  if (fatal.length > 0) throw refusal(source, fatal, resourceAt);

  const warnings: IntegrityWarning[] = [];
  const recorded = exported.recordedIntegrityError;
  if (recorded) warnings.push(recordedWarning(recorded));
  if (exported.pendingOperations.length > 0) warnings.push(pendingWarning(exported));
  warnings.push(...problemWarnings(problems, resourceAt));

  // A resource written twice alike is read once (its first copy).
  const extra = new Set<number>();
  for (const p of problems)
    if (p.kind === "duplicate") p.positions.slice(1).forEach((i) => extra.add(i));
  if (extra.size === 0) return { nodes: exported.nodes, index, warnings };
  const nodes = exported.nodes.filter((_, i) => !extra.has(i));
  return { nodes, index: new GraphIndex(nodes), warnings };
}

/** How many problems a refusal lists before "and N more". */
const LISTED = 20;

/** One error naming every problem that leaves the graph without a single reading. */
function refusal(
  source: string,
  fatal: IntegrityProblem[],
  resourceAt: (position: number) => string,
): StackExportError {
  const lines = fatal.slice(0, LISTED).map((p) => `  - ${fatalText(p, resourceAt)}`);
  if (fatal.length > LISTED) lines.push(`  - and ${fatal.length - LISTED} more`);
  return new StackExportError(
    `${source} cannot be audited: its resources do not form one graph (what is inside or ` +
      `built on what has no single answer), so neither its clusters nor the policies' findings ` +
      `could be trusted:\n${lines.join("\n")}\n` +
      "A state the Pulumi engine writes has none of these: export the stack again " +
      "(`pulumi stack export`). If the stack's state has them too, correct it: " +
      `${EDIT_STATE}.`,
  );
}

function fatalText(p: IntegrityProblem, resourceAt: (position: number) => string): string {
  switch (p.kind) {
    case "duplicate":
      return (
        `${p.urn} is written ${p.positions.length} times (${p.positions.map(resourceAt).join(", ")}) ` +
        `and the copies differ in their ${p.differs ?? "content"}: the engine keeps one live copy ` +
        `of a resource (older ones marked "delete": true), so one of these is not the resource`
      );
    case "self-parent":
      return `${p.urn} is its own parent, so whether it is inside a cluster has no answer`;
    case "parent-cycle":
      return (
        `${p.urns.join(", ")} are each other's ancestors (the parent of each is the next, ` +
        `of the last the first), so whether they are inside a cluster has no answer`
      );
    case "dependency-cycle":
      return `a cycle of dependencies: ${cycleText(p.steps)}; no order puts each after what it uses`;
    default:
      return p.kind;
  }
}

/** "A depends on B, whose provider is C, whose parent is A". */
function cycleText(steps: readonly CycleStep[]): string {
  const first = steps[0].urn;
  return steps
    .map((s, k) => {
      const next = k + 1 < steps.length ? steps[k + 1].urn : first;
      const verb = referenceVerb(s.reference, s.property);
      return k === 0 ? `${s.urn} ${verb} ${next}` : `whose ${referenceNoun(s)} ${next}`;
    })
    .join(", ");
}

function referenceVerb(reference: Reference, property?: string): string {
  switch (reference) {
    case "parent":
      return "has the parent";
    case "provider":
      return "has the provider";
    case "dependency":
      return "depends on";
    case "property dependency":
      return `depends (through its input ${property}) on`;
  }
}

function referenceNoun(s: CycleStep): string {
  switch (s.reference) {
    case "parent":
      return "parent is";
    case "provider":
      return "provider is";
    case "dependency":
      return "dependencies include";
    case "property dependency":
      return `input ${s.property} depends on`;
  }
}

/** The warnings of the problems that leave one reading: one per resource and kind. */
function problemWarnings(
  problems: IntegrityProblem[],
  resourceAt: (position: number) => string,
): IntegrityWarning[] {
  const out: IntegrityWarning[] = [];
  // Missing references come sorted by resource: one warning per resource, naming each.
  let missing: Extract<IntegrityProblem, { kind: "missing" }>[] = [];
  const flush = () => {
    if (missing.length > 0) out.push(missingWarning(missing));
    missing = [];
  };
  for (const p of problems) {
    if (p.kind === "missing") {
      if (missing.length > 0 && missing[0].urn !== p.urn) flush();
      missing.push(p);
      continue;
    }
    flush();
    if (p.kind === "duplicate") {
      out.push({
        kind: "duplicate",
        urns: [p.urn],
        message:
          `${p.urn} is written ${p.positions.length} times alike ` +
          `(${p.positions.map(resourceAt).join(", ")}); aa reads it once. The engine keeps one ` +
          "live copy of a resource: export the stack again; if its state has the copies too, " +
          `remove all but one: ${EDIT_STATE}.`,
      });
    } else if (p.kind === "self-reference") {
      out.push({
        kind: "self-reference",
        urns: [p.urn],
        message:
          `${p.urn} lists itself as its own ${p.references.join(" and ")}; aa reads it without ` +
          "that reference, which adds nothing (what a resource reaches through itself it reaches " +
          `anyway). Export the stack again; if its state has it too, remove the reference: ${EDIT_STATE}.`,
      });
    }
  }
  flush();
  return out;
}

function missingWarning(list: Extract<IntegrityProblem, { kind: "missing" }>[]): IntegrityWarning {
  const urn = list[0].urn;
  const what = list.map((p) => {
    const via =
      p.reference === "property dependency" ? `dependency (input ${p.property})` : p.reference;
    return `its ${via} ${p.target}`;
  });
  return {
    kind: "missing-reference",
    urns: [urn, ...new Set(list.map((p) => p.target))],
    message:
      `${urn} refers to what the state does not hold: ${what.join("; ")}. aa reads the ` +
      `resource without ${list.length > 1 ? "those references" : "that reference"}, as ` +
      "`pulumi state repair` leaves such a state, so its cluster is decided without " +
      `${list.length > 1 ? "them" : "it"} and may be wrong. Export the stack again; if its ` +
      "state lacks them too, run `pulumi state repair` on the stack.",
  };
}

function recordedWarning(
  recorded: NonNullable<ExportedStack["recordedIntegrityError"]>,
): IntegrityWarning {
  const by = [
    recorded.version && `Pulumi CLI ${recorded.version}`,
    recorded.command && `\`${recorded.command}\``,
  ]
    .filter(Boolean)
    .join(", ");
  return {
    kind: "recorded-integrity-error",
    urns: [],
    message:
      `the Pulumi engine recorded an integrity error in this state${by ? ` (${by})` : ""}: ` +
      `${cut(recorded.error)}. aa's own checks found nothing that stops the audit. Run ` +
      "`pulumi state repair` on the stack to check and repair its state, and export it again.",
  };
}

function pendingWarning(exported: ExportedStack): IntegrityWarning {
  const ops = exported.pendingOperations;
  const shown = ops.slice(0, 5).map((op) => `${op.urn} (${op.type})`);
  const more = ops.length > 5 ? ` and ${ops.length - 5} more` : "";
  return {
    kind: "pending-operations",
    urns: ops.map((op) => op.urn),
    message:
      `the state records ${ops.length} operation(s) the engine began and did not finish (an ` +
      `update was interrupted or is running): ${shown.join(", ")}${more}. The audit covers the ` +
      "resources in the state; a resource being created may exist without being in it. Once no " +
      "update is running, confirm those operations with the provider, run `pulumi refresh` " +
      "(it clears them), and export the stack again.",
  };
}

/** A text cut to 300 characters, for a message. */
function cut(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/**
 * Where a node (by position) is in the file, e.g. `deployment.resources[12]`: its index among the
 * file's resources, which also hold the copies pending deletion left out of the nodes.
 */
function fileIndexOf(exported: ExportedStack): (position: number) => string {
  const at = exported.stateFile.form === "checkpoint" ? "checkpoint.latest" : "deployment";
  const skipped = exported.pendingDeletion.map((d) => d.index); // ascending
  return (position) => {
    let index = position;
    for (const s of skipped) {
      if (s <= index) index++;
      else break;
    }
    return `${at}.resources[${index}]`;
  };
}
