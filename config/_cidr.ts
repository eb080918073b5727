import { Netmask } from "netmask";

/** An IPv4 CIDR block as written, e.g. "10.1.0.0/16". */
export type Cidr = string;

/**
 * Parses a canonical IPv4 CIDR block. Returns the reason it is not one, or the block.
 * "Canonical" means the address is the network base: "10.1.0.5/16" is refused so that a typo in
 * the address does not silently become a different network.
 */
export function parseCidr(value: string): Netmask | string {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(value)) {
    return `"${value}" is not an IPv4 CIDR block; write it as a.b.c.d/prefix, e.g. "10.1.0.0/16"`;
  }
  let block: Netmask;
  try {
    block = new Netmask(value);
  } catch {
    return `"${value}" is not a valid IPv4 CIDR block; write it as a.b.c.d/prefix, e.g. "10.1.0.0/16"`;
  }
  const written = value.split("/")[0];
  if (block.base !== written) {
    return `"${value}" has host bits set; did you mean "${block.base}/${block.bitmask}"?`;
  }
  return block;
}

/**
 * The blocks of `blocks` (undefined ones skipped) that overlap another, each with one block it
 * overlaps, in index order. O(n log n): the blocks are swept in address order, keeping the one
 * that reaches furthest; CIDR blocks are nested or disjoint, so a block overlaps an
 * earlier-starting one exactly when it starts inside that furthest-reaching one, which it is
 * reported with. Every block that overlaps another is reported, or is the one a reported block
 * is reported with.
 */
export function overlappingBlocks(
  blocks: readonly (Cidr | undefined)[],
): { index: number; other: number }[] {
  const spans = blocks.flatMap((cidr, index) => {
    if (cidr === undefined) return [];
    const block = new Netmask(cidr);
    const start = block.netLong;
    return [{ index, start, end: start + block.size - 1 }];
  });
  spans.sort((a, b) => a.start - b.start || b.end - a.end || a.index - b.index);
  const found = new Map<number, number>();
  let reach: (typeof spans)[number] | undefined;
  for (const span of spans) {
    if (reach && span.start <= reach.end) found.set(span.index, reach.index);
    if (!reach || span.end > reach.end) reach = span;
  }
  return [...found].map(([index, other]) => ({ index, other })).sort((a, b) => a.index - b.index);
}

/** True when the two canonical blocks share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  const x = new Netmask(a);
  const y = new Netmask(b);
  return x.contains(y.base) || y.contains(x.base);
}

/**
 * Splits `cidr` into `count` equal, non-overlapping blocks, as large as possible, in address
 * order. Throws when the blocks would be smaller than AWS's minimum subnet (/28).
 */
export function splitCidr(cidr: Cidr, count: number): Cidr[] {
  const block = new Netmask(cidr);
  const prefix = block.bitmask + subnetBits(count);
  if (prefix > 28) {
    throw new Error(`${cidr} is too small to hold ${count} subnets of at least /28`);
  }
  const out: Cidr[] = [];
  let current = new Netmask(`${block.base}/${prefix}`);
  for (let i = 0; i < count; i++) {
    out.push(`${current.base}/${current.bitmask}`);
    current = current.next();
  }
  return out;
}

/** The number of extra prefix bits that `count` equal subnets need. */
export function subnetBits(count: number): number {
  return Math.ceil(Math.log2(Math.max(1, count)));
}
