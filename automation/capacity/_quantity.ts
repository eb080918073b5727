// @kubernetes/client-node parses quantities internally but does not export the parser.
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  "": 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/**
 * A Kubernetes resource quantity as a plain number ("250m" -> 0.25, "1Gi" -> 1073741824,
 * "1e3" -> 1000). Throws on anything else: a quantity that cannot be read must not count as 0.
 */
export function quantity(text: string): number {
  const match =
    /^([+-]?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[+-]?\.\d+)(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(
      text.trim(),
    );
  if (!match) throw new Error(`"${text}" is not a Kubernetes quantity`);
  return Number(match[1]) * SUFFIX[match[2] ?? ""];
}
