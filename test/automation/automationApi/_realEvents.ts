/**
 * Pulumi engine event streams as a real CLI sends them, for this project's resources.
 *
 * Every step, prelude and summary event is a recorded event (test/fixtures/engine, see its
 * PROVENANCE.md) used as a template: only its identity fields are replaced, so everything else in
 * it (old and new state, `planning`, `logical`, `diffs`, `detailedDiff`, `status`, ...) is what a
 * real engine sent. The identity fields are:
 *
 * - step events (`resourcePreEvent`, `resOutputsEvent`, `resOpFailedEvent`): `metadata.op`,
 *   `metadata.urn`, `metadata.type`, `metadata.provider`, and in `old`/`new` state (when the
 *   template has one): `type`, `urn`, `parent`, `provider`, `id` (left `""` where the template has
 *   none yet) and `custom` (absent on component resources); `resOpFailedEvent.steps` (how many
 *   steps finished before it, as the engine counts them);
 * - `preludeEvent.config`; `summaryEvent.resourceChanges` and `summaryEvent.maybeCorrupt`;
 * - a failed step's diagnostic: `urn`, and `message` when the step gives one.
 *
 * Diagnostics, policy events and stdout events are also rewritten the way `pulumi --color never`
 * (which the Automation API adapter passes) writes them: colour directives removed, `color:
 * "never"` (`logJSONEvent` in pulumi's pkg/backend/display/display.go).
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { OpType } from "@pulumi/pulumi/automation";
import YAML from "yaml";

/** The repository root (dist/test/automation/automationApi -> ../../../..): fixtures are not copied to dist. */
const REPO = path.resolve(__dirname, "..", "..", "..", "..");

/** Where the recorded event logs are (test/fixtures/engine in the repository). */
export const FIXTURE_DIR = path.join(REPO, "test", "fixtures", "engine");

/** The project name in every URN. */
const PROJECT = "active-active";

/**
 * The recorded event logs, by what we use them for; paths are relative to {@link FIXTURE_DIR}.
 * PROVENANCE.md there says where each comes from and what it shows.
 */
export const FIXTURES = {
  /** A real preview of aws-ts-eks: eks:index:Cluster children with parent and provider. */
  eksPreview: "display/template-body.json",
  /** A real update creating an aws:eks/cluster:Cluster. */
  eksUpdate: "display/up.json",
  /** A real failed update: resOpFailedEvent, maybeCorrupt, counts of finished steps only. */
  failedUpdate: "display/failed-stacks-dont-rewrite-operations.json",
  /** Preview of a replacement (create-replacement, replace, delete-replaced). */
  replacePreview: "lifecycle/TestProviderDiffMissingOldOutputs/-0-2-preview/eventstream.json",
  /** Update with a refresh step and a replacement. */
  refreshReplaceUpdate:
    "lifecycle/TestPendingReplacementUpdateSnapshotIntegrity/1/eventstream.json",
  /** Preview of a provider update and a delete. */
  providerUpdateDeletePreview:
    "lifecycle/TestSingleResourceExplicitProviderAliasUpdateDelete/-0-1-preview/eventstream.json",
  /** Update with a provider update and a delete. */
  providerUpdateDeleteUpdate:
    "lifecycle/TestSingleResourceExplicitProviderAliasUpdateDelete/-0-1/eventstream.json",
  /** Preview of a create. */
  createPreview: "lifecycle/TestAutonaming/eventstream.json",
  /** Preview reading a StackReference (a `read` step on the builtin `pulumi` provider). */
  stackReferencePreview: "lifecycle/TestStackReference/-0-0-preview/eventstream.json",
  /** Update reading a StackReference. */
  stackReferenceUpdate: "lifecycle/TestStackReference/-0-0/eventstream.json",
  /** Preview with a refresh step. */
  refreshPreview: "lifecycle/TestRefreshUpdateWithDeletedResource/-0-0-preview/eventstream.json",
  /** Failed update: diagnostic, resOpFailedEvent, "update failed", summary result failed. */
  failedUpdateStep:
    "lifecycle/TestErrorHooks_NoRetryIfAllHooksReturnFalse_Update/1/eventstream.json",
  /** Failed preview: diagnostic with the URN, "preview failed", summary result failed. */
  failedPreview: "lifecycle/TestMissingRead/-0-0-preview/eventstream.json",
  /** Internal step: a default provider create, before the resource that uses it. */
  defaultProviderCreate:
    "lifecycle/TestErrorHooks_RetrySemanticsAndNoRetryWhenNoHooks_Update/retry_if_any_hook_returns_true/0/eventstream.json",
  /** Internal step: a default provider same, then an update. */
  defaultProviderSame:
    "lifecycle/TestErrorHooks_RetrySemanticsAndNoRetryWhenNoHooks_Update/retry_if_any_hook_returns_true/1/eventstream.json",
  /** Advisory policy events, policy summaries, PolicyPacks in the summary. */
  policyAdvisory: "lifecycle/TestRemediationDiagnostic/eventstream.json",
  /** A remediate policy: policyRemediationEvent. */
  policyRemediation: "lifecycle/TestResourceRemediation/eventstream.json",
  /** A mandatory policy violation failing an update before any step. */
  policyMandatory:
    "lifecycle/TestSimpleAnalyzeResourceFailureRemediateDowngradedToMandatory/-0-0/eventstream.json",
} as const;

/** The name of a recorded event log in {@link FIXTURES}. */
export type FixtureName = keyof typeof FIXTURES;

/** A resource's state in a step event (`apitype.StepEventStateMetadata`). */
export interface StateMetadata {
  type: string;
  urn: string;
  custom?: boolean;
  delete?: boolean;
  id: string;
  parent: string;
  protect?: boolean;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
  provider: string;
  [field: string]: unknown;
}

/** What a step event says about its step (`apitype.StepEventMetadata`). */
export interface StepMetadata {
  op: OpType;
  urn: string;
  type: string;
  old: StateMetadata | null;
  new: StateMetadata | null;
  keys?: string[];
  diffs?: string[];
  detailedDiff?: Record<string, { diffKind: string; inputDiff: boolean }> | null;
  logical?: boolean;
  provider: string;
  [field: string]: unknown;
}

/** The engine's summary (`apitype.SummaryEvent`), with the fields the nodejs types leave out. */
export interface SummaryEventJson {
  maybeCorrupt: boolean;
  durationSeconds: number;
  resourceChanges: Partial<Record<OpType, number>>;
  PolicyPacks: Record<string, string>;
  isPreview?: boolean;
  result?: "succeeded" | "failed" | "canceled";
}

/** A diagnostic (`apitype.DiagnosticEvent`). */
export interface DiagnosticEventJson {
  urn?: string;
  prefix?: string;
  message: string;
  color: string;
  severity: "info" | "info#err" | "warning" | "error" | "debug";
  streamID?: number;
  ephemeral?: boolean;
}

/**
 * One engine event as JSON (`apitype.EngineEvent`): exactly one event field is set. Recorded
 * events carry `sequence` and `timestamp`; built ones do not (the fake CLI numbers them).
 */
export interface RealEvent {
  sequence?: number;
  timestamp?: number;
  cancelEvent?: Record<string, never>;
  preludeEvent?: { config: Record<string, string> };
  summaryEvent?: SummaryEventJson;
  resourcePreEvent?: { metadata: StepMetadata; planning?: boolean };
  resOutputsEvent?: { metadata: StepMetadata; planning?: boolean };
  resOpFailedEvent?: { metadata: StepMetadata; status: number; steps: number };
  diagnosticEvent?: DiagnosticEventJson;
  policyEvent?: Record<string, unknown> & { message: string; color: string };
  stdoutEvent?: { message: string; color: string };
  [event: string]: unknown;
}

/** The three step event kinds. */
export type StepEventKind = "resourcePreEvent" | "resOutputsEvent" | "resOpFailedEvent";

const STEP_KINDS: readonly StepEventKind[] = [
  "resourcePreEvent",
  "resOutputsEvent",
  "resOpFailedEvent",
];

const cache = new Map<string, RealEvent[]>();

/**
 * The parsed events of a recorded event log: a {@link FIXTURES} name, or a path relative to
 * {@link FIXTURE_DIR}. The same array on every call: do not change it.
 */
export function recordedStream(file: string): readonly RealEvent[] {
  const relative = file in FIXTURES ? FIXTURES[file as FixtureName] : file;
  let events = cache.get(relative);
  if (!events) {
    events = fs
      .readFileSync(path.join(FIXTURE_DIR, relative), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as RealEvent);
    cache.set(relative, events);
  }
  return events;
}

/**
 * Recorded events as a CLI run with `--color never` (as the adapter runs it) writes them, for the
 * fake CLI to number 0, 1, 2, ...: without their `sequence` and `timestamp` (display recordings
 * have gaps, events left out of the file; lifecycle ones are all 0), colour directives removed
 * unless `color` is "raw".
 */
export function unnumbered(
  events: readonly RealEvent[],
  color: "never" | "raw" = "never",
): RealEvent[] {
  const copies = events.map(copyOf);
  if (color === "never") copies.forEach(uncolour);
  return copies;
}

// --- resources -----------------------------------------------------------------------------

/** One step of a preview or update, as {@link realisticStream} is to send it. */
export interface StepSpec {
  op: OpType;
  urn: string;
  /**
   * The parent's URN, in the step's old and new state.
   * @default the Stack for a resource at the top of the type chain; required below it
   */
  parent?: string;
  /**
   * The provider reference (`<provider URN>::<provider id>`).
   * @default "" for the Stack, providers and this project's own components; otherwise the
   * default provider of the type's package at the version installed here (aws, eks), or
   * unversioned for `pulumi` (StackReference); none for kubernetes, whose default provider the
   * stack files disable
   */
  provider?: string;
  /** The step fails: the engine reports it and starts no later step. @default false */
  failed?: boolean;
  /** A failed step's error, as the provider said it. @default the recorded message */
  message?: string;
  /**
   * A component resource (no `custom` in its state).
   * @default true for pulumi:pulumi:Stack, `active-active:*` types and eks:index:Cluster
   */
  component?: boolean;
}

/** The resource of an internal step (its op is the engine's). */
export type InternalStepSpec = Pick<StepSpec, "urn" | "parent" | "provider" | "component">;

/** Steps the engine adds on its own, which the CLI sends since v3.131 (pulumi/pulumi#17101). */
export interface InternalSteps {
  /**
   * The step each default provider the steps use gets, just before the first step that uses it:
   * `"same"` as on every run, `"create"` after an SDK upgrade (a new `default_<version>` URN),
   * `"update"` after its config changed (e.g. `aws:region`), `"none"` as CLIs before v3.131.
   * @default "same"
   */
  defaultProviders?: "same" | "create" | "update" | "none";
  /** Resources whose pending replacement the engine drops: a `remove-pending-replace` step each. */
  removePendingReplace?: InternalStepSpec[];
  /** Components and providers refreshed by `--refresh` (internal `refresh` steps). */
  refresh?: InternalStepSpec[];
}

/** Options of {@link realisticStream} and {@link previewJson}. */
export interface StreamOptions {
  /** A preview (`planning` step events, no `resOpFailedEvent`) or an update. */
  preview: boolean;
  /** The stack (environment) in every URN, e.g. "dev". */
  stack: string;
  /** @default "failed" when a step fails, else "succeeded" */
  result?: "succeeded" | "failed";
  /** @default { defaultProviders: "same" } */
  internal?: InternalSteps;
  /** The prelude's config. @default the repository's stacks/Pulumi.<stack>.yaml, rendered by {@link preludeConfig} */
  config?: Record<string, string>;
  /** More events (diagnostics, policy events), after the steps and before the summary. */
  extra?: RealEvent[];
  /** `"raw"` keeps recorded colour directives (a CLI run without `--color never`). @default "never" */
  color?: "never" | "raw";
}

/** The last element of a URN's type chain: the resource's type. */
export function typeOf(urn: string): string {
  const chain = urn.split("::")[2] ?? "";
  return chain.split("$").pop() ?? "";
}

/** The stack (environment) a URN belongs to. */
export function stackOf(urn: string): string {
  return urn.split("::")[0].replace(/^urn:pulumi:/, "");
}

/** The Stack resource's URN. */
export function stackUrnOf(stack: string): string {
  return `urn:pulumi:${stack}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${stack}`;
}

/** True for a default provider's URN (`pulumi:providers:<pkg>::default` or `::default_<version>`). */
export function isDefaultProviderUrn(urn: string): boolean {
  const name = urn.split("::").slice(3).join("::");
  return typeOf(urn).startsWith("pulumi:providers:") && /^default(_|$)/.test(name);
}

/**
 * True for a step the engine treats as internal (`isInternalStep`, pulumi's pkg/engine/update.go):
 * not counted in the summary, not shown by the CLI, but in the event log all the same.
 */
export function isInternalStep(urn: string, op: OpType): boolean {
  return op === "remove-pending-replace" || isDefaultProviderUrn(urn);
}

/** The default provider's URN for a package at a version, e.g. `...::pulumi:providers:aws::default_7_48_0`. */
export function defaultProviderUrn(stack: string, pkg: string, version?: string): string {
  const name = version ? `default_${version.replace(/[.-]/g, "_")}` : "default";
  return `urn:pulumi:${stack}::${PROJECT}::pulumi:providers:${pkg}::${name}`;
}

/** A provider reference as state carries it: `<URN>::<ID>`, the ID a UUID derived from the URN. */
export function providerRef(urn: string): string {
  return `${urn}::${uuidOf(urn)}`;
}

/** The version of a provider SDK installed here, e.g. "7.48.0" for aws (undefined if none). */
export function sdkVersion(pkg: string): string | undefined {
  try {
    const file = require.resolve(`@pulumi/${pkg}/package.json`, { paths: [REPO] });
    return (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version;
  } catch {
    return undefined;
  }
}

/** Remote (multi-language) components this project uses: they have a provider, not `custom`. */
const REMOTE_COMPONENTS = new Set(["eks:index:Cluster"]);

function isComponent(step: StepSpec): boolean {
  if (step.component !== undefined) return step.component;
  const type = typeOf(step.urn);
  return (
    type === "pulumi:pulumi:Stack" || type.startsWith(`${PROJECT}:`) || REMOTE_COMPONENTS.has(type)
  );
}

function providerOf(step: StepSpec, stack: string): string {
  if (step.provider !== undefined) return step.provider;
  const type = typeOf(step.urn);
  if (type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:")) return "";
  if (type.startsWith(`${PROJECT}:`)) return "";
  const pkg = type.split(":")[0];
  if (pkg === "kubernetes") {
    throw new Error(
      `${step.urn}: the stack files disable the default kubernetes provider ` +
        `(pulumi:disable-default-providers); give the cluster's provider, e.g. clusterUrns(env, c).k8sProviderRef`,
    );
  }
  // The builtin `pulumi` provider (StackReference) has no version in its name (recorded:
  // lifecycle/TestStackReference); the others are named after their SDK's version.
  return providerRef(
    defaultProviderUrn(stack, pkg, pkg === "pulumi" ? undefined : sdkVersion(pkg)),
  );
}

function parentOf(step: StepSpec, stack: string): string {
  if (step.parent !== undefined) return step.parent;
  const type = typeOf(step.urn);
  if (type === "pulumi:pulumi:Stack" || isDefaultProviderUrn(step.urn)) return "";
  const chain = step.urn.split("::")[2] ?? "";
  if (!chain.includes("$")) return stackUrnOf(stack);
  throw new Error(`${step.urn} is below a component: its StepSpec needs the parent's URN`);
}

/** A physical ID for a custom resource: its name and a suffix, the way auto-naming looks. */
function physicalId(urn: string): string {
  if (typeOf(urn).startsWith("pulumi:providers:")) return uuidOf(urn);
  const name = urn.split("::").slice(3).join("::");
  return `${name}-${hash(urn).slice(0, 7)}`;
}

function uuidOf(text: string): string {
  const h = hash(`uuid:${text}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function hash(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

// --- templates -----------------------------------------------------------------------------

/** Where a built event's template was recorded. */
export interface TemplateRef {
  file: FixtureName;
  /** Index of the event in {@link recordedStream}(file). */
  index: number;
}

/** Search order for step templates: real CLI runs of EKS programs first, then lifecycle tests. */
const TEMPLATE_ORDER: readonly FixtureName[] = [
  "eksPreview",
  "eksUpdate",
  "failedUpdate",
  "replacePreview",
  "refreshReplaceUpdate",
  "providerUpdateDeletePreview",
  "providerUpdateDeleteUpdate",
  "createPreview",
  "stackReferencePreview",
  "stackReferenceUpdate",
  "refreshPreview",
  "defaultProviderCreate",
  "defaultProviderSame",
  "failedUpdateStep",
];

/** What a step template should be like, besides its kind and op. */
export interface TemplateWish {
  preview: boolean;
  /** A component resource (no `custom`). */
  component: boolean;
  /** A provider resource (`pulumi:providers:*`). */
  provider: boolean;
  /** A default provider. */
  defaultProvider: boolean;
}

/**
 * The recorded step event a built step event of this kind and op is made from: the first of
 * {@link TEMPLATE_ORDER} with the same kind, op and preview-ness (`planning`), preferring one of
 * the same sort of resource (provider, default provider, component). A `remove-pending-replace`
 * step, which no recording has, is made from a `delete-replaced` one (same shape: old state, new
 * state null, not logical; `RemovePendingReplaceStep` in pulumi's pkg/resource/deploy/step.go). A
 * failed step of an op no recording has fails like the recorded failed `update`.
 */
export function templateFor(
  kind: StepEventKind,
  op: OpType,
  wish: TemplateWish,
): TemplateRef & { event: RealEvent } {
  const key = JSON.stringify([kind, op, wish]);
  const cached = templateCache.get(key);
  if (cached) return cached;
  const recordedOp: OpType = op === "remove-pending-replace" ? "delete-replaced" : op;
  let best: (TemplateRef & { event: RealEvent; score: number }) | undefined;
  for (const file of TEMPLATE_ORDER) {
    for (const [index, event] of recordedStream(file).entries()) {
      const body: { metadata: StepMetadata; planning?: boolean } | undefined = event[kind];
      if (!body || body.metadata.op !== recordedOp) continue;
      if (kind !== "resOpFailedEvent" && Boolean(body.planning) !== wish.preview) continue;
      const m = body.metadata;
      const state = m.new ?? m.old;
      const score =
        (m.type.startsWith("pulumi:providers:") === wish.provider ? 4 : 0) +
        (isDefaultProviderUrn(m.urn) === wish.defaultProvider ? 2 : 0) +
        (!state?.custom === wish.component ? 1 : 0);
      if (!best || score > best.score) best = { file, index, event, score };
    }
  }
  if (!best && kind === "resOpFailedEvent" && op !== "update") {
    return templateFor(kind, "update", wish);
  }
  if (!best) {
    throw new Error(
      `no recorded ${kind} for op "${op}" in a${wish.preview ? " preview" : "n update"} ` +
        `(test/fixtures/engine): record one before using it`,
    );
  }
  const found = { file: best.file, index: best.index, event: best.event };
  templateCache.set(key, found);
  return found;
}

const templateCache = new Map<string, TemplateRef & { event: RealEvent }>();

/** The first recorded event of `files` that `test` accepts. */
function findRecorded(
  files: readonly FixtureName[],
  test: (event: RealEvent) => boolean,
  what: string,
): TemplateRef & { event: RealEvent } {
  for (const file of files) {
    const index = recordedStream(file).findIndex(test);
    if (index >= 0) return { file, index, event: recordedStream(file)[index] };
  }
  throw new Error(`no recorded ${what} in ${files.join(", ")}`);
}

/** A deep copy of a recorded event, without its sequence number and timestamp. */
function copyOf(event: RealEvent): RealEvent {
  const copy = structuredClone(event);
  delete copy.sequence;
  delete copy.timestamp;
  return copy;
}

/** The identity a step event gets. */
interface Identity {
  op: OpType;
  urn: string;
  type: string;
  parent: string;
  provider: string;
  id: string;
  custom: boolean;
}

function withIdentity(template: RealEvent, kind: StepEventKind, who: Identity): RealEvent {
  const event = copyOf(template);
  const m = (event[kind] as { metadata: StepMetadata }).metadata;
  m.op = who.op;
  m.urn = who.urn;
  m.type = who.type;
  m.provider = who.provider;
  for (const side of ["old", "new"] as const) {
    const state = m[side];
    if (!state) continue;
    // Rebuilt in the recorded key order, `custom` after `urn` as the engine writes it.
    const rest: Record<string, unknown> = { ...state };
    for (const key of ["type", "urn", "custom"]) delete rest[key];
    m[side] = {
      type: who.type,
      urn: who.urn,
      ...(who.custom ? { custom: true } : {}),
      ...rest,
      id: state.id === "" ? "" : who.id,
      parent: who.parent,
      provider: who.provider,
    } as StateMetadata;
  }
  return event;
}

// --- streams -------------------------------------------------------------------------------

/** A built event, where its template was recorded, and whether the engine counts it internal. */
export interface TracedEvent {
  event: RealEvent;
  template?: TemplateRef;
  /** A step event of an internal step (see {@link isInternalStep}). */
  internal?: boolean;
}

/** The events of one step, as {@link stepEvents} builds them. */
export interface StepEvents {
  pre: RealEvent;
  /** Its resOutputsEvent or resOpFailedEvent, when the engine sends one at the step's end. */
  post?: RealEvent;
}

/**
 * The events of one step alone: its `resourcePreEvent`, and the `resOutputsEvent` (or, for a failed
 * step in an update, `resOpFailedEvent`) the engine sends when it ends.
 */
export function stepEvents(
  step: StepSpec,
  opts: Pick<StreamOptions, "preview" | "stack">,
): StepEvents {
  const built = new StreamBuilder({ ...opts, internal: { defaultProviders: "none" } });
  built.step(step, false);
  const steps = built.out.filter((t) => STEP_KINDS.some((k) => t.event[k]));
  return { pre: steps[0].event, ...(steps[1] ? { post: steps[1].event } : {}) };
}

/**
 * A whole preview or update as a real CLI sends it (v3.131 or later): the prelude with config, the
 * Stack's `same` step, each default provider's step before the first step that uses it, each step's
 * `resourcePreEvent` and then its `resOutputsEvent` (in a preview for every step; in an update for
 * custom resources and deletes, for components when they register their outputs, near the end),
 * `opts.extra`, the summary (`isPreview`, `result`; counts of the finished, logical, non-internal
 * steps, as the engine counts) and `cancelEvent`. A failed step gets an error diagnostic with its
 * URN, in an update a `resOpFailedEvent`, and ends the steps; an error diagnostic without URN
 * comes before the summary.
 */
export function realisticStream(steps: readonly StepSpec[], opts: StreamOptions): RealEvent[] {
  return realisticStreamTraced(steps, opts).map((t) => t.event);
}

/** {@link realisticStream}, each event with the recorded event it was made from. */
export function realisticStreamTraced(
  steps: readonly StepSpec[],
  opts: StreamOptions,
): TracedEvent[] {
  const builder = new StreamBuilder(opts);
  builder.run(steps);
  return builder.out;
}

class StreamBuilder {
  readonly out: TracedEvent[] = [];
  private readonly counts: Partial<Record<OpType, number>> = {};
  private finished = 0;
  private failed = false;
  private maybeCorrupt = false;
  private readonly providersSeen = new Set<string>();
  /** Components whose registered outputs come near the end, in step order. */
  private readonly registered: StepSpec[] = [];

  constructor(private readonly opts: StreamOptions) {}

  run(steps: readonly StepSpec[]): void {
    const { opts } = this;
    const prelude = findRecorded(["eksPreview"], (e) => Boolean(e.preludeEvent), "preludeEvent");
    const config = opts.config ?? defaultConfig(opts.stack);
    this.push({ ...copyOf(prelude.event), preludeEvent: { config } }, prelude);

    const stackUrn = stackUrnOf(opts.stack);
    const stackStep = steps.find((s) => typeOf(s.urn) === "pulumi:pulumi:Stack") ?? {
      op: "same" as const,
      urn: stackUrn,
    };
    this.step(stackStep, false);

    const internal = opts.internal ?? {};
    const plumbing: StepSpec[] = [
      ...(internal.refresh ?? []).map((r) => ({ ...r, op: "refresh" as const })),
      ...(internal.removePendingReplace ?? []).map((r) => ({
        ...r,
        op: "remove-pending-replace" as const,
      })),
    ];
    for (const step of [...plumbing, ...steps.filter((s) => s !== stackStep)]) {
      this.defaultProviderFor(step);
      this.step(step, plumbing.includes(step));
      if (this.failed) break;
    }

    this.out.push(...(opts.extra ?? []).map((event) => ({ event: structuredClone(event) })));
    // Components report their outputs when they register them, children before parents; after a
    // failure only the Stack's arrive (as in the recorded failed update).
    const late = this.failed ? this.registered.slice(0, 1) : this.registered;
    for (const component of [...late].reverse()) this.outputs(component, false);
    this.finish();
    if (opts.color !== "raw") for (const t of this.out) uncolour(t.event);
  }

  /** A default provider's step before the first step that uses it. */
  private defaultProviderFor(step: StepSpec): void {
    const op = this.opts.internal?.defaultProviders ?? "same";
    if (op === "none") return;
    const ref = providerOf(step, this.opts.stack);
    const urn = ref.split("::").slice(0, -1).join("::");
    if (!ref || !isDefaultProviderUrn(urn) || this.providersSeen.has(urn)) return;
    this.providersSeen.add(urn);
    this.step({ op, urn, provider: "", parent: "" }, true);
  }

  step(step: StepSpec, internal: boolean): void {
    internal ||= isInternalStep(step.urn, step.op);
    const { preview } = this.opts;
    const component = isComponent(step);
    const pre = this.stepEvent("resourcePreEvent", step, internal);
    if (step.failed) {
      this.fail(step, internal);
      return;
    }
    if (preview || !component || step.op === "delete") this.outputs(step, internal);
    if (component && step.op !== "delete" && !this.registered.some((s) => s.urn === step.urn)) {
      this.registered.push(step);
    }
    const logical = Boolean(pre.event.resourcePreEvent?.metadata.logical) && step.op !== "read";
    if (logical && !internal) {
      this.counts[step.op] = (this.counts[step.op] ?? 0) + 1;
      this.finished++;
    }
  }

  private outputs(step: StepSpec, internal: boolean): void {
    this.stepEvent("resOutputsEvent", step, internal);
  }

  private stepEvent(kind: StepEventKind, step: StepSpec, internal: boolean): TracedEvent {
    const { stack, preview } = this.opts;
    const type = typeOf(step.urn);
    const component = isComponent(step);
    const provider = providerOf(step, stack);
    const template = templateFor(kind, step.op, {
      preview,
      component,
      provider: type.startsWith("pulumi:providers:"),
      defaultProvider: isDefaultProviderUrn(step.urn),
    });
    const event = withIdentity(template.event, kind, {
      op: step.op,
      urn: step.urn,
      type,
      parent: parentOf(step, stack),
      provider,
      id: component ? "" : physicalId(step.urn),
      custom: !component,
    });
    return this.push(event, template, internal);
  }

  /** A failed step: its error, in an update its resOpFailedEvent; no later step starts. */
  private fail(step: StepSpec, internal: boolean): void {
    const { preview } = this.opts;
    const source: FixtureName = preview ? "failedPreview" : "failedUpdateStep";
    const diag = findRecorded([source], (e) => Boolean(e.diagnosticEvent?.urn), "step error");
    const d = copyOf(diag.event);
    const recorded: Partial<DiagnosticEventJson> = { ...d.diagnosticEvent };
    delete recorded.urn;
    // The engine names the step in its error unless the step is internal (update.go).
    d.diagnosticEvent = {
      ...(internal ? {} : { urn: step.urn }),
      ...recorded,
      ...(step.message !== undefined ? { message: `${step.message}\n` } : {}),
    } as DiagnosticEventJson;
    this.push(d, diag);
    if (!preview) {
      const failed = this.stepEvent("resOpFailedEvent", step, internal);
      const body = failed.event.resOpFailedEvent!;
      body.steps = this.finished;
      // A step whose status is unknown may have left the resource half-done.
      if (body.status === 2) this.maybeCorrupt = true;
    }
    this.failed = true;
  }

  private finish(): void {
    const { preview } = this.opts;
    const result = this.opts.result ?? (this.failed ? "failed" : "succeeded");
    if (result === "failed") {
      const source: FixtureName = preview ? "failedPreview" : "failedUpdateStep";
      const diag = findRecorded(
        [source],
        (e) => Boolean(e.diagnosticEvent && !e.diagnosticEvent.urn),
        "error diagnostic",
      );
      this.push(copyOf(diag.event), diag);
    }
    const summary = findRecorded(
      ["replacePreview", "refreshReplaceUpdate", "failedUpdateStep", "failedPreview"],
      (e) => e.summaryEvent?.isPreview === preview && e.summaryEvent?.result === result,
      `summaryEvent (isPreview ${preview}, result ${result})`,
    );
    const s = copyOf(summary.event);
    s.summaryEvent = {
      ...(s.summaryEvent as SummaryEventJson),
      resourceChanges: { ...this.counts },
      maybeCorrupt: this.maybeCorrupt,
    };
    this.push(s, summary);
    const cancel = findRecorded(["eksPreview"], (e) => Boolean(e.cancelEvent), "cancelEvent");
    this.push(copyOf(cancel.event), cancel);
  }

  private push(event: RealEvent, template?: TemplateRef, internal?: boolean): TracedEvent {
    const traced: TracedEvent = {
      event,
      ...(template ? { template: { file: template.file, index: template.index } } : {}),
      ...(internal ? { internal } : {}),
    };
    this.out.push(traced);
    return traced;
  }
}

/** Removes colour directives the way `--color never` does (pulumi's logJSONEvent). */
function uncolour(event: RealEvent): void {
  const strip = (text: string) => text.replace(/<\{%[^%]*%\}>/g, "");
  const d = event.diagnosticEvent;
  if (d) {
    d.message = strip(d.message);
    if (d.prefix !== undefined) d.prefix = strip(d.prefix);
    d.color = "never";
  }
  for (const other of [event.stdoutEvent, event.policyEvent]) {
    if (!other) continue;
    other.message = strip(other.message);
    other.color = "never";
  }
}

// --- config --------------------------------------------------------------------------------

/**
 * A stack file's config as the prelude event carries it (`preludeEvent` in pulumi's
 * pkg/engine/events.go): every key, each value as a string, objects and arrays as compact JSON
 * with sorted keys (Go's encoding of a map), secrets as "[secret]".
 */
export function preludeConfig(stackFile: string): Record<string, string> {
  const doc = YAML.parse(stackFile) as { config?: Record<string, unknown> } | null;
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(doc?.config ?? {})) {
    config[key] = configString(value);
  }
  return config;
}

function configString(value: unknown): string {
  if (value && typeof value === "object" && !Array.isArray(value) && "secure" in value) {
    return "[secret]";
  }
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object") return goJson(value);
  return String(value);
}

function goJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(goJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    if ("secure" in value) return JSON.stringify("[secret]");
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${goJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function defaultConfig(stack: string): Record<string, string> {
  const file = path.join(REPO, "stacks", `Pulumi.${stack}.yaml`);
  return fs.existsSync(file) ? preludeConfig(fs.readFileSync(file, "utf8")) : {};
}

// --- pulumi preview --json ---------------------------------------------------------------

/** A property diff in a preview step (`display.PropertyDiff`). */
export interface PreviewPropertyDiff {
  kind: string;
  inputDiff: boolean;
}

/** A resource's state in `pulumi preview --json` (`apitype.ResourceV3`, the fields steps have). */
export interface ResourceV3 {
  urn: string;
  custom: boolean;
  delete?: boolean;
  id?: string;
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  parent?: string;
  protect?: boolean;
  taint?: boolean;
  external?: boolean;
  initErrors?: string[];
  provider?: string;
  retainOnDelete?: boolean;
}

/** One step in `pulumi preview --json` (`display.PreviewStep`). */
export interface PreviewStep {
  op: OpType;
  urn: string;
  provider?: string;
  oldState?: ResourceV3;
  newState?: ResourceV3;
  diffReasons?: string[];
  replaceReasons?: string[];
  detailedDiff: Record<string, PreviewPropertyDiff> | null;
}

/** The document `pulumi preview --json` prints (`display.PreviewDigest`). */
export interface PreviewDigest {
  config?: Record<string, string>;
  steps?: PreviewStep[];
  diagnostics?: { urn?: string; message?: string; severity?: string }[];
  /** Nanoseconds (a Go time.Duration). */
  duration?: number;
  changeSummary?: Partial<Record<OpType, number>>;
  maybeCorrupt?: boolean;
}

/** Non-logical replacement steps, which `--json` leaves out (`IsReplacementStep`, deploy/step.go). */
const REPLACEMENT_OPS: ReadonlySet<OpType> = new Set<OpType>([
  "replace",
  "create-replacement",
  "delete-replaced",
  "read-replacement",
  "discard-replaced",
  "remove-pending-replace",
  "import-replacement",
]);

/**
 * The document `pulumi preview --json` prints for the same steps as {@link realisticStream} with
 * `preview: true`, folded from those events the way `ShowPreviewDigest` (pulumi's
 * pkg/backend/display/json.go) folds them: no internal steps, no `same` steps but the Stack's, no
 * non-logical replacement steps, diagnostics as prefix and message without colour, the duration in
 * nanoseconds (whole seconds here: the summary event only has those). No recording of this
 * document exists in pulumi's repository; print it with `JSON.stringify(doc, null, 4)`.
 */
export function previewJson(
  steps: readonly StepSpec[],
  opts: Omit<StreamOptions, "preview">,
): PreviewDigest {
  const digest: PreviewDigest = {};
  const stepsOut: PreviewStep[] = [];
  const diagnostics: NonNullable<PreviewDigest["diagnostics"]> = [];
  for (const { event, internal } of realisticStreamTraced(steps, { ...opts, preview: true })) {
    if (event.preludeEvent) digest.config = event.preludeEvent.config;
    const d = event.diagnosticEvent;
    if (d && !d.ephemeral && d.severity !== "debug") {
      diagnostics.push({
        ...(d.urn ? { urn: d.urn } : {}),
        message: `${d.prefix ?? ""}${d.message}`.replace(/<\{%[^%]*%\}>/g, ""),
        severity: d.severity,
      });
    }
    if (event.stdoutEvent) {
      diagnostics.push({
        message: event.stdoutEvent.message.replace(/<\{%[^%]*%\}>/g, ""),
        severity: "info",
      });
    }
    const m = event.resourcePreEvent?.metadata;
    if (m && !internal && shownInJson(m)) stepsOut.push(previewStep(m));
    if (event.summaryEvent) {
      const s = event.summaryEvent;
      if (s.durationSeconds) digest.duration = s.durationSeconds * 1e9;
      if (Object.keys(s.resourceChanges).length) digest.changeSummary = s.resourceChanges;
      if (s.maybeCorrupt) digest.maybeCorrupt = true;
    }
  }
  return {
    ...(digest.config && Object.keys(digest.config).length ? { config: digest.config } : {}),
    ...(stepsOut.length ? { steps: stepsOut } : {}),
    ...(diagnostics.length ? { diagnostics } : {}),
    ...(digest.duration ? { duration: digest.duration } : {}),
    ...(digest.changeSummary ? { changeSummary: digest.changeSummary } : {}),
    ...(digest.maybeCorrupt ? { maybeCorrupt: true } : {}),
  };
}

function shownInJson(m: StepMetadata): boolean {
  if (typeOf(m.urn) === "pulumi:pulumi:Stack") return true;
  if (m.op === "same") return Boolean(m.old?.protect) !== Boolean(m.new?.protect);
  return !(REPLACEMENT_OPS.has(m.op) && !m.logical);
}

function previewStep(m: StepMetadata): PreviewStep {
  return {
    op: m.op,
    urn: m.urn,
    ...(m.provider ? { provider: m.provider } : {}),
    ...(m.old ? { oldState: resourceV3(m.old) } : {}),
    ...(m.new ? { newState: resourceV3(m.new) } : {}),
    ...(m.diffs?.length ? { diffReasons: m.diffs } : {}),
    ...(m.keys?.length ? { replaceReasons: m.keys } : {}),
    detailedDiff: m.detailedDiff
      ? Object.fromEntries(
          Object.entries(m.detailedDiff).map(([k, v]) => [
            k,
            { kind: v.diffKind, inputDiff: v.inputDiff },
          ]),
        )
      : null,
  };
}

function resourceV3(s: StateMetadata): ResourceV3 {
  const nonEmpty = (o: Record<string, unknown> | undefined) => o && Object.keys(o).length > 0;
  return {
    urn: s.urn,
    custom: Boolean(s.custom),
    ...(s.delete ? { delete: true } : {}),
    ...(s.id ? { id: s.id } : {}),
    type: s.type,
    ...(nonEmpty(s.inputs) ? { inputs: s.inputs } : {}),
    ...(nonEmpty(s.outputs) ? { outputs: s.outputs } : {}),
    ...(s.parent ? { parent: s.parent } : {}),
    ...(s.protect ? { protect: true } : {}),
    ...(s.taint ? { taint: true } : {}),
    ...(s.external ? { external: true } : {}),
    ...(Array.isArray(s.initErrors) && s.initErrors.length
      ? { initErrors: s.initErrors as string[] }
      : {}),
    ...(s.provider ? { provider: s.provider } : {}),
    ...(s.retainOnDelete ? { retainOnDelete: true } : {}),
  };
}

/** An event log as `pulumi preview --event-log FILE` writes it: one numbered event per line. */
export function eventLog(events: readonly RealEvent[]): string {
  return events
    .map((e, sequence) => JSON.stringify({ ...e, sequence, timestamp: 1764700000 + sequence }))
    .join("\n");
}
