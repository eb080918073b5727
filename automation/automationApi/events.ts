import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { isDefaultProvider } from "../../graph/resourceGraph";

/** A Pulumi engine step operation, as the engine names it ("same", "update", "replace", ...). */
export type StepOp = OpType;

/** How many steps of each operation an update or preview had, from the engine's summary. */
export type OpCounts = Partial<Record<StepOp, number>>;

/**
 * What a preview or update reports as it runs: a narrow, secret-free view of Pulumi's engine
 * events. A resource is named by its URN and type only; inputs, outputs and diffs are not passed
 * on, so nothing secret can leak through an event.
 */
export type StackEvent =
  /** The engine started. */
  | { kind: "prelude" }
  /**
   * A step is about to run (in a preview: a step that would run). `parent` and `provider` (a
   * provider reference, `urn::id`) come from the step's new state, else its old state: they tie
   * a resource the program never registered itself (a child of a remote component) to a cluster.
   */
  | {
      kind: "resource-pre";
      urn: string;
      type: string;
      op: StepOp;
      parent?: string;
      provider?: string;
    }
  /** A step finished. */
  | { kind: "resource-done"; urn: string; type: string; op: StepOp }
  /** A step failed; a diagnostic with the cause usually comes before it. */
  | { kind: "resource-failed"; urn: string; type: string; op: StepOp }
  /** A message from the engine or a provider; `message` has secrets removed. */
  | {
      kind: "diagnostic";
      severity: "info" | "info#err" | "warning" | "error";
      message: string;
      urn?: string;
    }
  /** A policy pack reported a violation. */
  | {
      kind: "policy-violation";
      policyPack: string;
      policy: string;
      enforcementLevel: string;
      message: string;
      urn?: string;
    }
  /**
   * The engine finished; `counts` is its own count of steps per operation: after a failed
   * update, only the steps that finished (so fewer than the steps it started). `isPreview` and
   * `result` come from CLIs that send them (recent ones).
   */
  | {
      kind: "summary";
      counts: OpCounts;
      maybeCorrupt: boolean;
      durationSeconds: number;
      isPreview?: boolean;
      result?: "succeeded" | "failed" | "canceled";
    }
  /** The operation ended or was cancelled. */
  | { kind: "cancel" };

/** What a preview or an update does to one resource, folded from its steps. */
export type ChangeKind = "create" | "update" | "replace" | "delete" | "import" | "other";

/** One resource a preview would change, or an update changed. */
export interface ResourceChange {
  urn: string;
  /** Resource type token, e.g. `eks:index:Cluster`. */
  type: string;
  kind: ChangeKind;
  /** The engine steps behind it, in order (a replacement is several steps). */
  ops: StepOp[];
}

/** Steps that leave a resource as it is. Every other step changes something. */
const UNCHANGING: ReadonlySet<StepOp> = new Set<StepOp>([
  "same",
  "read",
  "refresh",
  // The engine's bookkeeping of an interrupted replacement: it drops a state entry and changes
  // nothing in the cloud (CLI >= 3.131 streams it to the Automation API, pulumi/pulumi#17101).
  "remove-pending-replace",
]);

const REPLACING: ReadonlySet<StepOp> = new Set<StepOp>([
  "replace",
  "create-replacement",
  "delete-replaced",
  "discard-replaced",
  "read-replacement",
  "import-replacement",
]);

/** True when a step changes a resource (anything but same, read, refresh, remove-pending-replace). */
export function isChange(op: StepOp): boolean {
  return !UNCHANGING.has(op);
}

/**
 * The narrow event for one engine event, or undefined for events nobody here needs (stdout
 * progress, debugger, ...). `redact` cleans free text (diagnostics, policy messages).
 */
export function toStackEvent(
  event: EngineEvent,
  redact: (text: string) => string,
): StackEvent | undefined {
  if (event.preludeEvent) return { kind: "prelude" };
  if (event.resourcePreEvent) {
    const metadata = event.resourcePreEvent.metadata;
    const parent = metadata?.new?.parent || metadata?.old?.parent;
    const provider = metadata?.new?.provider || metadata?.old?.provider || metadata?.provider;
    return {
      ...step("resource-pre", metadata),
      ...(parent ? { parent } : {}),
      ...(provider ? { provider } : {}),
    };
  }
  if (event.resOutputsEvent) return step("resource-done", event.resOutputsEvent.metadata);
  if (event.resOpFailedEvent) return step("resource-failed", event.resOpFailedEvent.metadata);
  if (event.diagnosticEvent) {
    const d = event.diagnosticEvent;
    return {
      kind: "diagnostic",
      severity: d.severity,
      message: redact(stripAnsi(d.message ?? "")).trim(),
      ...(d.urn ? { urn: d.urn } : {}),
    };
  }
  if (event.policyEvent) {
    const p = event.policyEvent;
    return {
      kind: "policy-violation",
      policyPack: p.policyPackName,
      policy: p.policyName,
      enforcementLevel: p.enforcementLevel,
      message: redact(stripAnsi(p.message ?? "")).trim(),
      ...(p.resourceUrn ? { urn: p.resourceUrn } : {}),
    };
  }
  if (event.summaryEvent) {
    const s = event.summaryEvent as typeof event.summaryEvent & {
      isPreview?: unknown;
      result?: unknown;
    };
    return {
      kind: "summary",
      counts: { ...(s.resourceChanges ?? {}) },
      maybeCorrupt: Boolean(s.maybeCorrupt),
      durationSeconds: s.durationSeconds ?? 0,
      ...(typeof s.isPreview === "boolean" ? { isPreview: s.isPreview } : {}),
      ...(s.result === "succeeded" || s.result === "failed" || s.result === "canceled"
        ? { result: s.result }
        : {}),
    };
  }
  if (event.cancelEvent) return { kind: "cancel" };
  return undefined;
}

function step(
  kind: "resource-pre" | "resource-done" | "resource-failed",
  metadata: { urn?: string; type?: string; op?: StepOp } | undefined,
): StackEvent {
  return {
    kind,
    urn: metadata?.urn ?? "",
    type: metadata?.type ?? "",
    op: metadata?.op ?? "same",
  };
}

/**
 * Folds the step events of a preview or update into one change per resource, in the order the
 * engine first named each resource. Resources whose steps change nothing are left out, and so
 * are the engine's default providers: it creates, updates and deletes them itself (a new SDK or
 * provider config), the CLI streams those internal steps since v3.131 (pulumi/pulumi#17101)
 * without marking them, and its own summary does not count them.
 */
export function foldChanges(events: readonly StackEvent[]): ResourceChange[] {
  const byUrn = new Map<string, { type: string; ops: StepOp[] }>();
  for (const event of events) {
    if (event.kind !== "resource-pre") continue;
    if (event.type.startsWith("pulumi:providers:") && isDefaultProvider(event.urn)) continue;
    const entry = byUrn.get(event.urn) ?? { type: event.type, ops: [] };
    entry.ops.push(event.op);
    byUrn.set(event.urn, entry);
  }
  const changes: ResourceChange[] = [];
  for (const [urn, { type, ops }] of byUrn) {
    if (!ops.some(isChange)) continue;
    changes.push({ urn, type, kind: kindOf(ops), ops });
  }
  return changes;
}

function kindOf(ops: readonly StepOp[]): ChangeKind {
  if (ops.some((op) => REPLACING.has(op))) return "replace";
  for (const kind of ["delete", "create", "update", "import"] as const) {
    if (ops.includes(kind)) return kind;
  }
  if (ops.includes("discard")) return "delete";
  return "other";
}

// ESC [ ... final byte: the colour codes the CLI may put in diagnostics.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/** Removes terminal colour codes. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}
