import type { ClusterAccess } from "./clusterAccess";
import { isMap } from "./kubeconfigDoc";

/** Kubeconfig fields whose values are credentials (or certificate data) at any depth. */
const SECRET_KEYS = new Set([
  "token",
  "password",
  "client-key-data",
  "client-certificate-data",
  "certificate-authority-data",
  "id-token",
  "refresh-token",
  "access-token",
  "client-secret",
]);

/**
 * The credential values in the clusters' kubeconfigs: what must never reach the output, even if
 * kubectl (or an exec plugin) echoes one. Values shorter than 8 characters are not secrets worth
 * cutting (and would cut innocent text).
 */
export function secretValues(access: readonly ClusterAccess[]): string[] {
  const found = new Set<string>();
  const walk = (value: unknown, key?: string): void => {
    if (typeof value === "string") {
      if (key !== undefined && SECRET_KEYS.has(key) && value.trim().length >= 8) {
        found.add(value.trim());
      }
    } else if (Array.isArray(value)) {
      value.forEach((v) => walk(v, key));
    } else if (isMap(value)) {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  for (const a of access) {
    walk(a.userEntry);
    walk(a.clusterEntry);
  }
  // Longest first, so a value is never cut in half by a shorter one inside it.
  return [...found].sort((x, y) => y.length - x.length);
}

/** The text with every one of `secrets` replaced by "[secret]". */
export function redactValues(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join("[secret]");
  return out;
}
