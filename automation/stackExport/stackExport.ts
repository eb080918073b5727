import { UsageError } from "../exitCodes";
import { providerUrn, type ResourceNode } from "../../graph/resourceGraph";
import { deepestPath, MAX_DEPTH, pathText, plain, TooDeep } from "./_stateValues";
import { FEATURES, unknownFeatures, type StateFileInfo } from "./stateFile";

/** A Pulumi state file turned into the resource graph. */
export interface ExportedStack {
  /**
   * Stack (environment) name: the checkpoint's `stack` (its last part, for a qualified
   * "organization/<project>/<stack>"), else the stack of the resources' URNs, else the file's
   * name without its extensions, else "stdin".
   */
  stack: string;
  /** Project name: from the URNs, else from a qualified checkpoint stack name, else "unknown". */
  project: string;
  /** Every live resource, in the state's order (as a rule, dependency order). */
  nodes: ResourceNode[];
  /** Which form of state file it was (`gzip` is false here: the bytes are readStackExport's). */
  stateFile: StateFileInfo;
  /**
   * The resources pending deletion (`"delete": true`: the old copy a create-before-delete
   * replacement leaves until the engine's next update deletes it), left out of `nodes`, with their
   * index among the file's resources. A reference to one is not a reference to a missing resource.
   */
  pendingDeletion: { urn: string; index: number }[];
  /** The operations the engine had begun and not finished (`pending_operations`), in file order. */
  pendingOperations: { urn: string; type: string }[];
  /**
   * The integrity error the engine recorded in the state (`metadata.integrity_error`: it found the
   * snapshot it wrote malformed, and kept it), when there is one.
   */
  recordedIntegrityError?: { error: string; version?: string; command?: string };
}

/** The state file is not one this tool can read; the message says what and how to fix it. */
export class StackExportError extends UsageError {
  override readonly code: string = "AA_STATE_INVALID";
}

/** What the forms aa reads are, for a message refusing something else. */
export const ACCEPTED_FORMS =
  "aa reads the output of `pulumi stack export` (deployment version 3 or 4) and DIY-backend " +
  "checkpoints (.pulumi/stacks/<project>/<stack>.json, plain or gzipped)";

/** Where a form keeps its deployment, and what a message calls the form. */
interface Form {
  info: StateFileInfo;
  /** The deployment, or undefined for an empty stack (`latest` or `deployment` null/absent). */
  deployment: Record<string, unknown> | undefined;
  /** The deployment's path in the document, for messages ("deployment", "checkpoint.latest"). */
  at: string;
  /** The checkpoint's stack name ("" when none). */
  stackName: string;
}

/**
 * Converts a parsed Pulumi state file into resource nodes: the output of `pulumi stack export`
 * (`{"version", "features"?, "deployment"}`) or a DIY backend's checkpoint (`{"version",
 * "features"?, "checkpoint": {"stack", "latest"}}`), deployment version 3 or 4 (`features` the
 * engine features it uses: all of them read, or refused by name when unknown; see
 * stateFile.ts). Outputs become the properties the stack policies read, inputs what the resource
 * was declared with; parents, providers ("urn::id" references), dependencies and property
 * dependencies are kept, `null` read as empty wherever Go writes an empty list or map as `null`.
 * Secrets, encrypted or not, become "[secret]"; resource references their URN; assets and
 * archives "[asset]" / "[archive]". Resources pending deletion are left out (and listed). A value
 * nested deeper than aa reads (`MAX_DEPTH` levels) is refused, naming its resource: the outputs
 * as they are read, the inputs when first read (most are never). `onNode` is given each node as
 * it is made (e.g. to number its URNs while they are at hand); otherwise pure.
 * `file`, the file the document was read from, names an empty stack (absent: standard input).
 */
export function fromStackExport(
  doc: unknown,
  source: string,
  onNode?: (node: ResourceNode) => void,
  file?: string,
): ExportedStack {
  const form = formOf(doc, source);
  const what = form.info.form === "checkpoint" ? "a DIY-backend checkpoint" : "a stack export";
  const fail = (message: string): never => {
    throw new StackExportError(`${source} is not ${what} aa can read: ${message}`);
  };
  const at = form.at;
  const resources = form.deployment?.resources ?? [];
  if (!Array.isArray(resources)) return fail(`"${at}.resources" is not a list`);
  const pendingDeletion: ExportedStack["pendingDeletion"] = [];
  const tooDeep = (urn: string, field: string, value: unknown): never => {
    const path = deepestPath(value) ?? [];
    return fail(
      `${urn}: its ${pathText(field, path)} is nested more than ` +
        `${MAX_DEPTH.toLocaleString("en-US")} levels deep, deeper than aa reads (no provider ` +
        "writes such values: the file is likely damaged). Re-export the stack " +
        "(`pulumi stack export`); if the stack's state holds that value too, refresh the " +
        `resource from its provider (\`pulumi refresh --target '${urn}'\`)`,
    );
  };

  const nodes: ResourceNode[] = [];
  let stack: string | undefined;
  let project: string | undefined;
  // The provider reference of the resource before, and its URN: resources of one provider are
  // registered one after another, and share one URN string instead of a copy each.
  let lastReference: unknown;
  let lastProvider: string | undefined;
  const ctx: Ctx = { at, fail, tooDeep };
  // One pass, no copies of what is already plain data; field paths for messages are only
  // spelled out when something is wrong (a deployed stack may hold 200,000 resources).
  for (let i = 0; i < resources.length; i++) {
    const r: unknown = resources[i];
    if (!isObject(r)) return fail(`${where(ctx, i, "")} is not an object`);
    const { urn, type } = r;
    if (typeof urn !== "string" || !urn.startsWith("urn:pulumi:")) {
      return fail(
        `${where(ctx, i, ".urn")} is ${JSON.stringify(urn) ?? "missing"}, expected "urn:pulumi:<stack>::<project>::<type>::<name>"`,
      );
    }
    // urn:pulumi:<stack>::<project>::<qualified type>::<name> (the name may contain "::").
    const afterStack = urn.indexOf("::");
    const afterProject = afterStack < 0 ? -1 : urn.indexOf("::", afterStack + 2);
    const afterType = afterProject < 0 ? -1 : urn.indexOf("::", afterProject + 2);
    if (afterType < 0)
      return fail(
        `${where(ctx, i, ".urn")} "${urn}" does not have the form urn:pulumi:<stack>::<project>::<type>::<name>`,
      );
    if (typeof type !== "string" || type === "")
      return fail(`${where(ctx, i, ".type")} is missing`);
    if (r.delete === true) {
      pendingDeletion.push({ urn, index: i });
      continue;
    }
    stack ??= urn.slice("urn:pulumi:".length, afterStack);
    project ??= urn.slice(afterStack + 2, afterProject);
    if (r.provider !== lastReference) {
      lastReference = r.provider;
      lastProvider = providerUrn(optionalString(r.provider, i, ".provider", ctx));
    }
    const node = new ExportedNode(
      urn,
      type,
      urn.slice(afterType + 2),
      r.custom === true,
      // A view (version 4, "views") is a child of the resource it views; the engine records
      // that resource as its parent too, and a view without one is given it.
      optionalString(r.parent, i, ".parent", ctx) ?? optionalString(r.viewOf, i, ".viewOf", ctx),
      lastProvider,
      urnList(r.dependencies, i, ".dependencies", ctx),
      propertyDependencies(r.propertyDependencies, i, ".propertyDependencies", ctx),
      propertyMap(r.inputs, i, ".inputs", ctx),
      properties(urn, r.outputs, i, ".outputs", ctx),
      ctx,
    );
    nodes.push(node);
    onNode?.(node);
  }
  // organization/<project>/<stack> (a project-scoped DIY stack), or <stack> (a legacy one).
  const qualified = form.stackName.split("/");
  return {
    stack: qualified.at(-1) || stack || nameOfFile(file),
    project: project ?? (qualified.length === 3 && qualified[1] ? qualified[1] : "unknown"),
    nodes,
    stateFile: form.info,
    pendingDeletion,
    pendingOperations: pendingOperations(form.deployment?.pending_operations, ctx),
    ...recordedIntegrityError(form.deployment?.metadata, ctx),
  };
}

/**
 * The operations a deployment records as begun and not finished (`pending_operations`: each a
 * resource and what was being done to it, "creating", "updating", "deleting" or "reading").
 */
function pendingOperations(v: unknown, ctx: Ctx): ExportedStack["pendingOperations"] {
  if (v === undefined || v === null) return [];
  const list = `${ctx.at}.pending_operations`;
  if (!Array.isArray(v)) return ctx.fail(`"${list}" is not a list`);
  return v.map((op: unknown, k) => {
    const resource = isObject(op) ? op.resource : undefined;
    const urn = isObject(resource) ? resource.urn : undefined;
    if (typeof urn !== "string" || !isObject(op)) {
      return ctx.fail(`${list}[${k}] is not an operation on a resource with a URN`);
    }
    return { urn, type: typeof op.type === "string" ? op.type : "unknown" };
  });
}

/** The `metadata.integrity_error` a deployment records (`SnapshotIntegrityErrorMetadataV1`). */
function recordedIntegrityError(
  metadata: unknown,
  ctx: Ctx,
): Pick<ExportedStack, "recordedIntegrityError"> {
  if (metadata === undefined || metadata === null) return {};
  if (!isObject(metadata)) return ctx.fail(`"${ctx.at}.metadata" is not an object`);
  const recorded = metadata.integrity_error;
  if (recorded === undefined || recorded === null) return {};
  if (!isObject(recorded)) return ctx.fail(`"${ctx.at}.metadata.integrity_error" is not an object`);
  const text = (k: string) =>
    typeof recorded[k] === "string" && recorded[k] ? recorded[k] : undefined;
  return {
    recordedIntegrityError: {
      error: text("error") ?? "(no message recorded)",
      ...(text("version") ? { version: text("version") } : {}),
      ...(text("command") ? { command: text("command") } : {}),
    },
  };
}

/**
 * Which form the document is, its version and features checked, and where its deployment is.
 * A document that is neither form is refused with one message saying what aa reads.
 */
function formOf(doc: unknown, source: string): Form {
  const refuse = (why: string): never => {
    throw new StackExportError(
      `${source} is not a Pulumi state file aa can read: ${why}; ${ACCEPTED_FORMS}`,
    );
  };
  if (!isObject(doc)) return refuse("the top level is not a JSON object");
  if ("checkpoint" in doc) {
    const fail = (why: string): never => {
      throw new StackExportError(`${source} is not a DIY-backend checkpoint aa can read: ${why}`);
    };
    const checkpoint = doc.checkpoint;
    if (!isObject(checkpoint)) return fail('its "checkpoint" is not an object');
    const latest = checkpoint.latest ?? undefined;
    if (latest !== undefined && !isObject(latest))
      return fail('its "checkpoint.latest" is not an object');
    const stackName = checkpoint.stack ?? "";
    if (typeof stackName !== "string") return fail('its "checkpoint.stack" is not a string');
    // A DIY stack is created with an empty checkpoint of version 0, which the CLI reads as an
    // empty stack of the current version.
    const empty = doc.version === 0 && latest === undefined;
    const { version, features } = empty
      ? { version: 3 as const, features: [] }
      : versionOf(doc, fail, "re-save it with a current Pulumi CLI (e.g. `pulumi refresh`)");
    return {
      info: { form: "checkpoint", version, features, gzip: false },
      deployment: latest,
      at: "checkpoint.latest",
      stackName,
    };
  }
  if ("deployment" in doc) {
    const fail = (why: string): never => {
      throw new StackExportError(`${source} is not a stack export aa can read: ${why}`);
    };
    // A DIY stack that was never deployed exports `"deployment": null`.
    const deployment = doc.deployment ?? undefined;
    if (deployment !== undefined && !isObject(deployment))
      return fail('its "deployment" is not an object');
    const { version, features } = versionOf(
      doc,
      fail,
      "re-export it with a current Pulumi CLI (`pulumi stack export`)",
    );
    return {
      info: { form: "stack-export", version, features, gzip: false },
      deployment,
      at: "deployment",
      stackName: "",
    };
  }
  return refuse('it has neither a "deployment" nor a "checkpoint"');
}

/** The deployment version, 3 or 4, and for 4 its features, every one of them known. */
function versionOf(
  doc: Record<string, unknown>,
  fail: (why: string) => never,
  fix: string,
): { version: 3 | 4; features: string[] } {
  const version = doc.version;
  if (version === 3) return { version, features: [] };
  if (version !== 4) {
    return fail(
      `its "version" is ${JSON.stringify(version) ?? "missing"}, expected 3 or 4 ` +
        `(the deployment versions of Pulumi CLI 3.x); ${fix}`,
    );
  }
  const features = doc.features ?? [];
  if (!isStringList(features)) return fail('its "features" is not a list of names');
  const unknown = unknownFeatures(features);
  if (unknown.length > 0) {
    const plural = unknown.length > 1 ? "s" : "";
    return fail(
      `it uses the deployment feature${plural} ${unknown.map((f) => JSON.stringify(f)).join(", ")}, ` +
        `which aa cannot interpret (it reads ${Object.keys(FEATURES).join(", ")}); ` +
        "update aa, or check the stack with a version that knows the feature",
    );
  }
  return { version, features };
}

/** An empty stack's name: the file's name without its extensions, or "stdin". */
function nameOfFile(file: string | undefined): string {
  if (file === undefined) return "stdin";
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/(\.json)?(\.(gz|zst))?$/i, "") || base;
}

/**
 * A resource of an export. Its inputs are made plain data (see {@link plain}) when first read:
 * the checks read the outputs of most resources but the inputs of only a few (a deployed stack's
 * export holds the inputs of every resource, half its size). Otherwise a plain ResourceNode.
 * Fields are assigned in the constructor, not declared as class fields, which would run an
 * initializer for each of 200,000 resources.
 */
class ExportedNode implements ResourceNode {
  declare readonly urn: string;
  declare readonly type: string;
  declare readonly name: string;
  declare readonly custom: boolean;
  declare readonly parent: string | undefined;
  declare readonly provider: string | undefined;
  declare readonly dependencies: string[];
  declare readonly propertyDependencies: Record<string, string[]>;
  declare readonly outputs: Record<string, unknown>;
  declare private recorded: Recorded | undefined;
  declare private plainInputs: Record<string, unknown> | undefined;

  constructor(
    urn: string,
    type: string,
    name: string,
    custom: boolean,
    parent: string | undefined,
    provider: string | undefined,
    dependencies: string[],
    propertyDependencies: Record<string, string[]>,
    inputs: Record<string, unknown>,
    outputs: Record<string, unknown>,
    ctx: Ctx,
  ) {
    this.urn = urn;
    this.type = type;
    this.name = name;
    this.custom = custom;
    this.parent = parent;
    this.provider = provider;
    this.dependencies = dependencies;
    this.propertyDependencies = propertyDependencies;
    this.outputs = outputs;
    this.recorded = new Recorded(inputs, ctx);
    this.plainInputs = undefined;
  }

  get inputs(): Record<string, unknown> {
    if (this.plainInputs === undefined) {
      const recorded = this.recorded;
      this.plainInputs = recorded
        ? (plainOrRefused(this.urn, recorded.properties, ".inputs", recorded.ctx) as Record<
            string,
            unknown
          >)
        : {};
      this.recorded = undefined;
    }
    return this.plainInputs;
  }

  set inputs(value: Record<string, unknown>) {
    this.plainInputs = value;
    this.recorded = undefined;
  }

  /** As a plain object: what `JSON.stringify` would otherwise miss, the inputs. */
  toJSON(): ResourceNode {
    return {
      urn: this.urn,
      type: this.type,
      name: this.name,
      custom: this.custom,
      parent: this.parent,
      provider: this.provider,
      dependencies: this.dependencies,
      propertyDependencies: this.propertyDependencies,
      inputs: this.inputs,
      outputs: this.outputs,
    };
  }
}

/**
 * Properties as the export records them (secrets encrypted, or in plaintext in an export made
 * with --show-secrets), kept until they are made plain data. Never serialised or shown: a node
 * spread into another object, printed or logged carries this box, not what is in it.
 */
class Recorded {
  declare readonly properties: Record<string, unknown>;
  /** The read's context (shared by every resource): to refuse a value nested too deep. */
  declare readonly ctx: Ctx;

  constructor(properties: Record<string, unknown>, ctx: Ctx) {
    this.properties = properties;
    this.ctx = ctx;
  }

  toJSON(): undefined {
    return undefined;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "[recorded properties]";
  }
}

/** What the checks of a resource's fields need: where the resources are, and how to fail. */
interface Ctx {
  at: string;
  fail: (what: string) => never;
  /** Refuses a resource's property map (`field`: ".inputs", ".outputs") nested too deep. */
  tooDeep: (urn: string, field: string, value: unknown) => never;
}

/**
 * Where a value is, e.g. "deployment.resources[3].parent": spelled out only for a message (the
 * checks below take the resource's index and the field, not a string or a closure made for every
 * resource of a large export).
 */
function where(ctx: Ctx, i: number, field: string): string {
  return `${ctx.at}.resources[${i}]${field}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function optionalString(v: unknown, i: number, field: string, ctx: Ctx): string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  return typeof v === "string" ? v : ctx.fail(`${where(ctx, i, field)} is not a string`);
}

function urnList(v: unknown, i: number, field: string, ctx: Ctx): string[] {
  if (v === undefined || v === null) return [];
  if (!isStringList(v)) return ctx.fail(`${where(ctx, i, field)} is not a list of URNs`);
  return v;
}

function isStringList(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false;
  for (let k = 0; k < v.length; k++) if (typeof v[k] !== "string") return false;
  return true;
}

/**
 * The export's own object, once every entry is checked to be a list of URNs. An entry Go wrote
 * as `null` (an empty list, as CLIs up to about 3.102 write it) reads as empty: then, and only
 * then, the object is copied with those entries replaced.
 */
function propertyDependencies(
  v: unknown,
  i: number,
  field: string,
  ctx: Ctx,
): Record<string, string[]> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) return ctx.fail(`${where(ctx, i, field)} is not an object`);
  let out: Record<string, unknown> | undefined;
  for (const key in v) {
    const urns = v[key];
    // As a rule a list of strings: where it is is spelled out only when it is not.
    if (isStringList(urns)) continue;
    if (urns !== null) return ctx.fail(`${where(ctx, i, `${field}.${key}`)} is not a list of URNs`);
    (out ??= { ...v })[key] = [];
  }
  return (out ?? v) as Record<string, string[]>;
}

function properties(
  urn: string,
  v: unknown,
  i: number,
  field: string,
  ctx: Ctx,
): Record<string, unknown> {
  return plainOrRefused(urn, propertyMap(v, i, field, ctx), field, ctx) as Record<string, unknown>;
}

/** {@link plain} data, or the read refused when the value is nested deeper than aa reads. */
function plainOrRefused(urn: string, value: unknown, field: string, ctx: Ctx): unknown {
  try {
    return plain(value);
  } catch (err) {
    if (err instanceof TooDeep) return ctx.tooDeep(urn, field.slice(1), value);
    throw err;
  }
}

/** A property map as recorded (checked to be one; not yet plain data). */
function propertyMap(v: unknown, i: number, field: string, ctx: Ctx): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) return ctx.fail(`${where(ctx, i, field)} is not an object`);
  return v;
}
