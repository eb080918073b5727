/**
 * Kubernetes resource quantities ("250m", "1", "70Mi", "1G", "1e3") as plain numbers: CPU in
 * millicores, memory in MiB. Pure. Used by the cost model (quantities from the config) and the
 * capacity check (quantities from live clusters). @kubernetes/client-node parses quantities
 * internally but does not export its parser.
 */

const QUANTITY = /^(\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|\.\d+)(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

const FACTOR: Record<string, number> = {
  "": 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  P: 1e15,
  E: 1e18,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** The quantity in base units (cores or bytes), or undefined when it is not a quantity. */
export function parseQuantity(text: string | number): number | undefined {
  if (typeof text === "number") return Number.isFinite(text) && text >= 0 ? text : undefined;
  const match = QUANTITY.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * FACTOR[match[2] ?? ""];
}

/** A CPU quantity in millicores ("250m" -> 250, "1" -> 1000). */
export function cpuMillicores(text: string | number): number | undefined {
  const cores = parseQuantity(text);
  return cores === undefined ? undefined : round(cores * 1000);
}

/** A memory quantity in MiB ("70Mi" -> 70, "1Gi" -> 1024, "1G" -> 953.67...). */
export function memoryMiB(text: string | number): number | undefined {
  const bytes = parseQuantity(text);
  return bytes === undefined ? undefined : round(bytes / 2 ** 20);
}

/** Drops floating-point dust ("0.1" cores is 100m, not 100.00000000000001m). */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
