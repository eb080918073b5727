import { UsageError } from "../exitCodes";
import { providerUrn, type ResourceNode } from "../../graph/resourceGraph";
import { SECRET_MARKER } from "../redact/marker";

/** A `pulumi stack export` turned into the resource graph. */
export interface ExportedStack {
  /** Stack name, from the URNs. */
  stack: string;
  /** Project name, from the URNs. */
  project: string;
  /** Every live resource, in the export's (dependency) order. */
  nodes: ResourceNode[];
}

/** The export is not a deployment this tool can read; the message says what and how to fix it. */
export class StackExportError extends UsageError {
  override readonly code: string = "AA_STATE_INVALID";
}

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";

/**
 * Converts a parsed `pulumi stack export` document (deployment version 3) into resource nodes:
 * outputs as the properties the stack policies read, inputs as what the resource was declared
 * with, parents, providers ("urn::id" references), dependencies and property dependencies.
 * Secrets, encrypted or not, become "[secret]"; resource references their URN; assets and
 * archives "[asset]" / "[archive]". Resources pending deletion are left out. `onNode` is given
 * each node as it is made (e.g. to number its URNs while they are at hand); otherwise pure.
 */
export function fromStackExport(
  doc: unknown,
  source: string,
  onNode?: (node: ResourceNode) => void,
): ExportedStack {
  const fail = (what: string): never => {
    throw new StackExportError(`${source} is not a stack export aa can read: ${what}`);
  };
  if (!isObject(doc))
    return fail("the top level is not a JSON object; pass the output of `pulumi stack export`");
  if (doc.version !== 3) {
    return fail(
      `its "version" is ${JSON.stringify(doc.version) ?? "missing"}, expected 3 ` +
        "(the deployment format of Pulumi CLI 3.x); re-export it with `pulumi stack export`",
    );
  }
  const deployment = doc.deployment;
  if (!isObject(deployment)) return fail('it has no "deployment" object');
  const resources = deployment.resources ?? [];
  if (!Array.isArray(resources)) return fail('"deployment.resources" is not a list');

  const nodes: ResourceNode[] = [];
  let stack: string | undefined;
  let project: string | undefined;
  // The provider reference of the resource before, and its URN: resources of one provider are
  // registered one after another, and share one URN string instead of a copy each.
  let lastReference: unknown;
  let lastProvider: string | undefined;
  // One pass, no copies of what is already plain data; field paths for messages are only
  // spelled out when something is wrong (a deployed stack may hold 200,000 resources).
  for (let i = 0; i < resources.length; i++) {
    const r: unknown = resources[i];
    const at = (field = "") => where(i, field); // for messages only
    if (!isObject(r)) return fail(`${at()} is not an object`);
    const { urn, type } = r;
    if (typeof urn !== "string" || !urn.startsWith("urn:pulumi:")) {
      return fail(
        `${at(".urn")} is ${JSON.stringify(urn) ?? "missing"}, expected "urn:pulumi:<stack>::<project>::<type>::<name>"`,
      );
    }
    // urn:pulumi:<stack>::<project>::<qualified type>::<name> (the name may contain "::").
    const afterStack = urn.indexOf("::");
    const afterProject = afterStack < 0 ? -1 : urn.indexOf("::", afterStack + 2);
    const afterType = afterProject < 0 ? -1 : urn.indexOf("::", afterProject + 2);
    if (afterType < 0)
      return fail(
        `${at(".urn")} "${urn}" does not have the form urn:pulumi:<stack>::<project>::<type>::<name>`,
      );
    if (typeof type !== "string" || type === "") return fail(`${at(".type")} is missing`);
    if (r.delete === true) continue;
    stack ??= urn.slice("urn:pulumi:".length, afterStack);
    project ??= urn.slice(afterStack + 2, afterProject);
    if (r.provider !== lastReference) {
      lastReference = r.provider;
      lastProvider = providerUrn(optionalString(r.provider, i, ".provider", fail));
    }
    const node = new ExportedNode(
      urn,
      type,
      urn.slice(afterType + 2),
      r.custom === true,
      optionalString(r.parent, i, ".parent", fail),
      lastProvider,
      urnList(r.dependencies, i, ".dependencies", fail),
      propertyDependencies(r.propertyDependencies, i, ".propertyDependencies", fail),
      propertyMap(r.inputs, i, ".inputs", fail),
      properties(r.outputs, i, ".outputs", fail),
    );
    nodes.push(node);
    onNode?.(node);
  }
  return { stack: stack ?? "unknown", project: project ?? "unknown", nodes };
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
    this.recorded = new Recorded(inputs);
    this.plainInputs = undefined;
  }

  get inputs(): Record<string, unknown> {
    if (this.plainInputs === undefined) {
      this.plainInputs = plain(this.recorded?.properties ?? {}) as Record<string, unknown>;
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

  constructor(properties: Record<string, unknown>) {
    this.properties = properties;
  }

  toJSON(): undefined {
    return undefined;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "[recorded properties]";
  }
}

type Fail = (what: string) => never;

/**
 * Where a value is, e.g. "deployment.resources[3].parent": spelled out only for a message (the
 * checks below take the resource's index and the field, not a string or a closure made for every
 * resource of a large export).
 */
function where(i: number, field: string): string {
  return `deployment.resources[${i}]${field}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function optionalString(v: unknown, i: number, field: string, fail: Fail): string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  return typeof v === "string" ? v : fail(`${where(i, field)} is not a string`);
}

function urnList(v: unknown, i: number, field: string, fail: Fail): string[] {
  if (v === undefined || v === null) return [];
  if (!isStringList(v)) return fail(`${where(i, field)} is not a list of URNs`);
  return v;
}

function isStringList(v: unknown): v is string[] {
  if (!Array.isArray(v)) return false;
  for (let k = 0; k < v.length; k++) if (typeof v[k] !== "string") return false;
  return true;
}

/** The export's own object, once every entry is checked to be a list of URNs. */
function propertyDependencies(
  v: unknown,
  i: number,
  field: string,
  fail: Fail,
): Record<string, string[]> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) return fail(`${where(i, field)} is not an object`);
  for (const key in v) {
    // As a rule a list of strings: where it is is spelled out only when it is not.
    if (!isStringList(v[key])) return fail(`${where(i, `${field}.${key}`)} is not a list of URNs`);
  }
  return v as Record<string, string[]>;
}

function properties(v: unknown, i: number, field: string, fail: Fail): Record<string, unknown> {
  return plain(propertyMap(v, i, field, fail)) as Record<string, unknown>;
}

/** A property map as recorded (checked to be one; not yet plain data). */
function propertyMap(v: unknown, i: number, field: string, fail: Fail): Record<string, unknown> {
  if (v === undefined || v === null) return {};
  if (!isObject(v)) return fail(`${where(i, field)} is not an object`);
  return v;
}

/**
 * State values as plain data: secrets hidden, references and assets named. Returns the value
 * itself when nothing in it changes (the rule), a copy of only what does otherwise.
 */
function plain(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || typeof item !== "object") continue;
      const v = plain(item);
      if (v !== item) (out ??= value.slice())[i] = v;
    }
    return out ?? value;
  }
  const obj = value as Record<string, unknown>;
  switch (obj[SIG]) {
    case undefined:
      break;
    case SECRET_SIG:
      return SECRET_MARKER;
    case RESOURCE_SIG:
      return typeof obj.urn === "string" ? obj.urn : "[resource]";
    case ASSET_SIG:
      return "[asset]";
    case ARCHIVE_SIG:
      return "[archive]";
    default:
      return `[${String(obj[SIG])}]`;
  }
  let out: Record<string, unknown> | undefined;
  for (const key in obj) {
    const v = obj[key];
    if (v === null || typeof v !== "object") continue;
    const p = plain(v);
    if (p !== v) (out ??= { ...obj })[key] = p;
  }
  return out ?? obj;
}
