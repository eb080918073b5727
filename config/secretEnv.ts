import { createHash } from "node:crypto";
import { z } from "zod";

/**
 * Secret environment variables of services: `services[].env` values written as Pulumi secrets.
 * A stack file holds them encrypted (`{secure: <ciphertext>}`, as `pulumi config set --secret
 * --path` writes them); the program gets them decrypted, and each cluster gets them in a
 * Kubernetes Secret. Everything aa records or compares (a cluster's settings, its generation,
 * the stack outputs, plans) carries a fingerprint of the ciphertext ({@link fingerprintOf}),
 * never the value nor the ciphertext: a secret changes when its ciphertext does (set again, or
 * re-encrypted), and that is a change each cluster gets in turn. Pure.
 */

/** A secret as a stack file holds it. */
export const secureValueSchema = z.strictObject({ secure: z.string().min(1) });
export type SecureValue = z.output<typeof secureValueSchema>;

/**
 * What a cluster's settings hold for a secret: `sha256:` and 16 hex digits of its ciphertext.
 * It tells one ciphertext from another and says nothing of the value.
 */
export function fingerprintOf(ciphertext: string): string {
  return `sha256:${createHash("sha256").update(ciphertext).digest("hex").slice(0, 16)}`;
}

/** A service's env with each secret as its fingerprint: what a cluster's settings hold. */
export function fingerprintedEnv(env: Record<string, string | SecureValue>) {
  return Object.fromEntries(
    Object.entries(env).map(([k, v]) => [
      k,
      isSecureValue(v) ? { secure: fingerprintOf(v.secure) } : v,
    ]),
  );
}

export function isSecureValue(value: unknown): value is SecureValue {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { secure?: unknown }).secure === "string"
  );
}

/** A secret env value: its ciphertext in the config, and its value (or a stand-in). */
export interface SecretValue<V> {
  secure: string;
  value: V;
}

/** Each service's secret env values, by service name and variable name. */
export type SecretEnv<V> = Map<string, Map<string, SecretValue<V>>>;

/** The secret env values of raw `services` config (before validation), by service and name. */
function secureEntries(services: unknown): { service: string; name: string; value: SecureValue }[] {
  if (!Array.isArray(services)) return [];
  return services.flatMap((svc: unknown) => {
    const { name, env } = (svc ?? {}) as { name?: unknown; env?: unknown };
    if (typeof name !== "string" || typeof env !== "object" || env === null) return [];
    return Object.entries(env as Record<string, unknown>).flatMap(([key, value]) =>
      isSecureValue(value) ? [{ service: name, name: key, value }] : [],
    );
  });
}

/** The path of the first secret under `services` that is not an env value, if there is one. */
function secureOutsideEnv(value: unknown, at = ""): string | undefined {
  if (isSecureValue(value)) return at;
  if (value === null || typeof value !== "object") return undefined;
  for (const [key, child] of Object.entries(value)) {
    const path = Array.isArray(value) ? `${at}[${key}]` : `${at}.${key}`;
    // services[N].env.NAME: where secrets belong.
    if (/^\[\d+\]\.env$/.test(path)) continue;
    const found = secureOutsideEnv(child, path);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The outcome of reading secret env values: the config as aa validates it, and the values. */
export interface SplitSecrets<V> {
  /** The raw config with every secret env value as its `{secure}` form. */
  raw: Record<string, unknown>;
  /** Each secret's value (or what stands in for it offline). */
  values: SecretEnv<V>;
}

/**
 * Offline (a stack file read as written): the secrets are their `{secure}` form already, and
 * their values, which cannot be decrypted here, are `placeholder`.
 */
export function secretsFromStackFile<V>(
  raw: Record<string, unknown>,
  placeholder: () => V,
): SplitSecrets<V> {
  const values: SecretEnv<V> = new Map();
  for (const { service, name, value } of secureEntries(raw.services)) {
    if (!values.has(service)) values.set(service, new Map());
    values.get(service)!.set(name, { secure: value.secure, value: placeholder() });
  }
  return { raw, values };
}

/** Something about secret config that the program cannot follow; the message says what to do. */
export class SecretConfigError extends Error {}

/**
 * Under `pulumi up` the engine hands the program its config decrypted, and marks secret only the
 * top-level key (`active-active:services`), not which value under it was. The stack file says
 * which: every env value it holds as `{secure}` is taken as that ciphertext in the config, and
 * its decrypted value (from `raw`) wrapped by `secret`. `fileRaw` is the `active-active:` config
 * of the stack file; `servicesSecret` whether the engine marked `services` secret.
 */
export function secretsFromEngine<V>(
  raw: Record<string, unknown>,
  fileRaw: Record<string, unknown> | undefined,
  servicesSecret: boolean,
  secret: (plaintext: string) => V,
  source: string,
): SplitSecrets<V> {
  const values: SecretEnv<V> = new Map();
  if (!servicesSecret) return { raw, values };
  const elsewhere = fileRaw ? secureOutsideEnv(fileRaw.services) : undefined;
  if (elsewhere) {
    throw new SecretConfigError(
      `${source} holds a secret at active-active:services${elsewhere}; only services[].env values may be secret: set that one as plain config`,
    );
  }
  const inFile = fileRaw ? secureEntries(fileRaw.services) : [];
  if (inFile.length === 0) {
    throw new SecretConfigError(
      `active-active:services is secret, but ${source} holds no secret under services[].env, where secrets are read; ` +
        "keep secrets in the stack file with `pulumi config set --secret --path 'active-active:services[N].env.NAME' VALUE` (only env values may be secret)",
    );
  }
  const services = (Array.isArray(raw.services) ? raw.services : []) as Record<string, unknown>[];
  const copy: Record<string, unknown>[] = services.map((svc) => ({
    ...svc,
    env: { ...(svc.env as object) },
  }));
  for (const { service, name, value } of inFile) {
    const svc = copy.find((s) => s.name === service);
    const env = svc?.env as Record<string, unknown> | undefined;
    const plaintext = env?.[name];
    if (typeof plaintext !== "string") {
      throw new SecretConfigError(
        `${source} holds a secret for services "${service}" env ${name}, but the config the engine passed has no such value; run \`pulumi config\` to check the stack's config`,
      );
    }
    env![name] = value;
    if (!values.has(service)) values.set(service, new Map());
    values.get(service)!.set(name, { secure: value.secure, value: secret(plaintext) });
  }
  return { raw: { ...raw, services: copy }, values };
}
