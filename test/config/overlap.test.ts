import * as assert from "node:assert/strict";
import fc from "fast-check";
import { cidrsOverlap, overlappingBlocks } from "../../config/_cidr";
import { ConfigError } from "../../config/errors";
import { parseEnvironment } from "../../config/load";
import { clusterFixture, environmentFixture } from "../_fixtures";

/** A canonical block inside 10.0.0.0/8, /8 to /24. */
const block = fc
  .tuple(fc.integer({ min: 8, max: 24 }), fc.nat({ max: 0xffffff }))
  .map(([prefix, bits]) => {
    const size = 2 ** (32 - prefix);
    const base = (0x0a000000 + Math.floor(bits / size) * size) >>> 0;
    return `${base >>> 24}.${(base >>> 16) & 255}.${(base >>> 8) & 255}.${base & 255}/${prefix}`;
  });

describe("overlappingBlocks", () => {
  it("names every block that overlaps another, each pair it reports overlapping (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.option(block, { nil: undefined }), { maxLength: 30 }), (blocks) => {
        const found = overlappingBlocks(blocks);
        for (const { index, other } of found) {
          assert.notEqual(other, index);
          assert.ok(cidrsOverlap(blocks[index]!, blocks[other]!));
        }
        const named = new Set(found.flatMap((f) => [f.index, f.other]));
        blocks.forEach((a, i) => {
          if (a === undefined) return;
          const overlapsAny = blocks.some(
            (b, j) => j !== i && b !== undefined && cidrsOverlap(a, b),
          );
          assert.equal(named.has(i), overlapsAny, `${i} ${a}`);
        });
      }),
    );
  });
});

describe("the CIDR overlap rule at scale", () => {
  it("reports 1,000 clusters on one block in a bounded number of lines, with a count of the rest", () => {
    const clusters = Array.from({ length: 1000 }, (_, i) =>
      clusterFixture(`c${i}`, 0, { cidr: "10.1.0.0/16" }),
    );
    let message = "";
    try {
      parseEnvironment("test", environmentFixture({ clusters, minClusters: 2 }), "test");
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      message = err.message;
    }
    const lines = message.split("\n").filter((l) => l.includes("overlap"));
    assert.equal(lines.length, 11, message.slice(0, 2000));
    assert.match(
      lines[0],
      /clusters\[1\]\.cidr: "10\.1\.0\.0\/16" overlaps clusters\[0\]\.cidr "10\.1\.0\.0\/16"/,
    );
    assert.match(lines[10], /and 989 more clusters whose cidr overlaps another's/);
  });
});
