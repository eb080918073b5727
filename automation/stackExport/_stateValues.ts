import { SECRET_MARKER } from "../redact/marker";

/**
 * Property values as a Pulumi state records them, made plain data for the policies; and the
 * deepest nesting aa reads. Pure.
 */

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
/** A string that is not valid UTF-8, as base64 (the `byteString` feature). */
const BYTES_SIG = "803fd3297a5875dc03ca845dda5d2a98";
/** A NaN or infinite number, as the hex of its bits. */
const FLOAT_SIG = "8ad145fe-0d11-4827-bfd7-1abcbf086f5c";

/**
 * How many objects and lists inside one another a resource's inputs or outputs may hold (the
 * property map itself counted), at most. Real states stay far below it (the deepest of the real
 * states under test/fixtures/real/state is a CustomResourceDefinition's outputs, 21 levels; a
 * large CRD's schema may reach a hundred). It bounds every walk of a value that aa and the policy
 * pack make, so that none runs out of stack: the conversion here, the policies, `JSON.stringify`
 * (about 4,000 levels), the protobuf encoding of the pack's protocol (the first to fail, between
 * 850 and 920 levels on Node 20's default stack) and the pack's decoding of it. 500 leaves room.
 */
export const MAX_DEPTH = 500;

/** Thrown by {@link plain} for a value nested deeper than {@link MAX_DEPTH}. */
export class TooDeep extends Error {
  constructor() {
    super(`nested more than ${MAX_DEPTH} levels deep`);
  }
}

/**
 * State values as plain data: secrets hidden, references and assets named. Returns the value
 * itself when nothing in it changes (the rule), a copy of only what does otherwise. `depth` is
 * how deep `value` is (1 for a property map); nesting beyond {@link MAX_DEPTH} throws
 * {@link TooDeep} (the recursion is bounded by it: see {@link deepestPath} for where).
 */
export function plain(value: unknown, depth = 1): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth > MAX_DEPTH) throw new TooDeep();
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (item === null || typeof item !== "object") continue;
      const v = plain(item, depth + 1);
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
    case BYTES_SIG:
      return typeof obj.value === "string"
        ? Buffer.from(obj.value, "base64").toString()
        : "[bytes]";
    case FLOAT_SIG:
      return typeof obj.value === "string" ? floatOf(obj.value) : "[number]";
    default:
      return `[${String(obj[SIG])}]`;
  }
  let out: Record<string, unknown> | undefined;
  for (const key in obj) {
    const v = obj[key];
    if (v === null || typeof v !== "object") continue;
    const p = plain(v, depth + 1);
    if (p !== v) (out ??= { ...obj })[key] = p;
  }
  return out ?? obj;
}

/** A number stored as the hex of its 64 bits (NaN and the infinities, which JSON cannot hold). */
function floatOf(hex: string): number {
  const bytes = Buffer.from(hex.padStart(16, "0"), "hex");
  return bytes.length === 8 ? bytes.readDoubleBE(0) : NaN;
}

/**
 * Where a value nests deeper than {@link MAX_DEPTH}: the keys (and list indexes) from it down to
 * the first object or list beyond the limit, found without recursion (the value may be nested
 * far deeper than any stack). Undefined when it does not.
 */
export function deepestPath(value: unknown): (string | number)[] | undefined {
  interface Step {
    value: unknown;
    depth: number;
    key?: string | number;
    up?: Step;
  }
  const pending: Step[] = [{ value, depth: 1 }];
  while (pending.length > 0) {
    const step = pending.pop() as Step;
    const v = step.value;
    if (v === null || typeof v !== "object") continue;
    if (step.depth > MAX_DEPTH) {
      const path: (string | number)[] = [];
      for (let s: Step | undefined = step; s?.up; s = s.up) path.push(s.key as string | number);
      return path.reverse();
    }
    const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
    for (let k = keys.length - 1; k >= 0; k--) {
      const key = keys[k];
      const item = (v as Record<string | number, unknown>)[key];
      pending.push({ value: item, depth: step.depth + 1, key, up: step });
    }
  }
  return undefined;
}

/** A path for a message, e.g. `outputs.spec.template[0].a.a.a…` (cut after a few keys). */
export function pathText(field: string, path: readonly (string | number)[], keep = 8): string {
  const shown = path
    .slice(0, keep)
    .map((k) =>
      typeof k === "number"
        ? `[${k}]`
        : /^[A-Za-z_$][\w$-]*$/.test(k)
          ? `.${k}`
          : `[${JSON.stringify(k)}]`,
    );
  return `${field}${shown.join("")}${path.length > keep ? "…" : ""}`;
}
