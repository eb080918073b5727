/** How a config value is shown in an error message. */

/** Longest text of a value an error message shows; longer values are cut, with their length. */
const MAX_SHOWN = 80;

/**
 * A value as a person reads it in an error: JSON where it has one, numbers JSON cannot write
 * (`Infinity`, `NaN`: YAML's `.inf`, `.nan`, `1e400`) as they are, a secret as "a secret value"
 * (its ciphertext is not repeated), and anything longer than 80 characters cut, with its length.
 */
export function showValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "function" || typeof value === "symbol") return String(value);
  if (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    Object.keys(value).length === 1 &&
    "secure" in value
  ) {
    return "a secret value";
  }
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    // A cycle, or a BigInt: no JSON, only its kind.
    text = `a ${typeof value} value`;
  }
  return text.length > MAX_SHOWN
    ? `${text.slice(0, MAX_SHOWN)}... (${text.length} characters)`
    : text;
}
