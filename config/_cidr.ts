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
