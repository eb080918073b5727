import { createHash } from "node:crypto";

/**
 * Pulumi's wire format for property values (`@pulumi/pulumi/runtime/rpc.ts`): special values are
 * objects whose {@link SIG} key names their kind.
 */
export const SIG = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The AWS account every offline answer is in. */
export const ACCOUNT = "123456789012";

/**
 * A reference to a resource, as the engine sends one: the program's SDK turns it back into a
 * resource object of the type its URN names (a component's reference has no id).
 */
export function reference(urn: string, id?: string): Record<string, string> {
  return id === undefined ? { [SIG]: RESOURCE_SIG, urn } : { [SIG]: RESOURCE_SIG, urn, id };
}

/** The URN of a resource reference on the wire, else undefined. */
export function referencedUrn(value: unknown): string | undefined {
  if (!value || typeof value !== "object") return undefined;
  const v = value as Record<string, unknown>;
  return v[SIG] === RESOURCE_SIG && typeof v.urn === "string" ? v.urn : undefined;
}

/**
 * The URN of `parent`'s child of this type and name, as the engine builds it: the parent's
 * qualified type, "$", the child's type. (`parent` is a component, never the root stack.)
 */
export function childUrn(parent: string, type: string, name: string): string {
  const [stack, project, qualified] = parent.split("::");
  return `${stack}::${project}::${qualified}$${type}::${name}`;
}

export function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function uuid(hex: string): string {
  const h = hex.padEnd(32, "0");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function ip(hex: string): string {
  return `3.${parseInt(hex.slice(0, 2), 16)}.${parseInt(hex.slice(2, 4), 16)}.${parseInt(hex.slice(4, 6), 16)}`;
}
