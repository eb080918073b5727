import { isUnknown } from "../graph/resourceGraph";

/**
 * Safe readers over resource properties. Properties are plain data, but any value may be missing,
 * of an unexpected type, or unknown during a preview; each reader returns `undefined` for the
 * first two and {@link UNKNOWN_VALUE} for the last, so checks can tell "not set" from "not known".
 */

/** Marker returned by readers for a value that is not known yet. */
export const UNKNOWN_VALUE: unique symbol = Symbol("unknown");
export type Read<T> = T | undefined | typeof UNKNOWN_VALUE;

/** The value at `path` (object keys and array indexes), or undefined / UNKNOWN_VALUE. */
export function at(value: unknown, ...path: (string | number)[]): Read<unknown> {
  return atPath(value, path);
}

/**
 * {@link at}, with the path as an array (no copy of a path kept in a constant). `value` may be
 * what a reader returned (UNKNOWN_VALUE stays unknown further down).
 */
export function atPath(value: unknown, path: readonly (string | number)[]): Read<unknown> {
  let cur = value;
  for (let i = 0; i < path.length; i++) {
    if (cur === UNKNOWN_VALUE || isUnknown(cur)) return UNKNOWN_VALUE;
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[path[i]];
  }
  return isUnknown(cur) ? UNKNOWN_VALUE : cur;
}

export function str(value: unknown, ...path: (string | number)[]): Read<string> {
  const v = at(value, ...path);
  return v === UNKNOWN_VALUE || typeof v === "string" ? v : undefined;
}

export function num(value: unknown, ...path: (string | number)[]): Read<number> {
  const v = at(value, ...path);
  if (v === UNKNOWN_VALUE || typeof v === "number") return v;
  // Terraform-bridged providers sometimes carry numbers as strings.
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

export function bool(value: unknown, ...path: (string | number)[]): Read<boolean> {
  const v = at(value, ...path);
  if (v === UNKNOWN_VALUE || typeof v === "boolean") return v;
  if (v === "true") return true;
  if (v === "false") return false;
  return undefined;
}

export function list(value: unknown, ...path: (string | number)[]): Read<unknown[]> {
  const v = at(value, ...path);
  return v === UNKNOWN_VALUE || Array.isArray(v) ? v : undefined;
}

/** True when `value` or anything inside it is unknown. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** Joins names for a message: "a", "a and b", "a, b and c". */
export function names(items: readonly string[]): string {
  const quoted = items.map((i) => `"${i}"`);
  if (quoted.length <= 1) return quoted.join("");
  return `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}

/** "1 cluster", "3 clusters". */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}
