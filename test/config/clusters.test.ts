import * as assert from "node:assert/strict";
import fc from "fast-check";
import { Netmask } from "netmask";
import { cidrsOverlap, splitCidr } from "../../config/_cidr";
import { canonicalJson, generationOf, planClusters } from "../../config/clusters";
import { parseEnvironment } from "../../config/load";
import { clusterFixture, environmentFixture } from "../_fixtures";

const plan = (raw: Record<string, unknown>) =>
  planClusters(parseEnvironment("test", raw, "test").config);

describe("planClusters", () => {
  it("gives every cluster its own VPC layout, in config order", () => {
    const specs = plan(environmentFixture());
    assert.deepEqual(
      specs.map((s) => s.name),
      ["a", "b", "c"],
    );
    for (const spec of specs) {
      assert.equal(spec.network.mode, "vpc-per-cluster");
      if (spec.network.mode !== "vpc-per-cluster") return;
      assert.equal(spec.network.privateSubnetCidrs.length, 2);
      assert.equal(spec.network.publicSubnetCidrs.length, 2);
    }
  });

  it("applies per-cluster Kubernetes versions over the environment's", () => {
    const specs = plan(
      environmentFixture({
        clusters: [clusterFixture("a", 0, { kubernetesVersion: "1.34" }), clusterFixture("b", 1)],
      }),
    );
    assert.deepEqual(
      specs.map((s) => s.settings.kubernetesVersion),
      ["1.34", "1.33"],
    );
  });

  it("gives clusters that run the same thing the same generation", () => {
    const [a, b, c] = plan(
      environmentFixture({
        clusters: ["a", "b", "c"].map((name) => ({ name })),
        network: {
          mode: "shared-vpc",
          vpcId: "vpc-0abc",
          privateSubnetIds: ["subnet-01", "subnet-02"],
          publicSubnetIds: ["subnet-03", "subnet-04"],
        },
      }),
    );
    assert.equal(a.generation, b.generation);
    assert.equal(b.generation, c.generation);
  });

  it("counts each cluster's own CIDR in its generation", () => {
    const [a, b] = plan(environmentFixture());
    assert.notEqual(a.generation, b.generation);
    assert.deepEqual({ ...a.settings, cidr: b.settings.cidr }, b.settings);
  });

  it("changes a cluster's generation when its cluster-scoped settings change", () => {
    const [a, b] = plan(
      environmentFixture({
        clusters: [clusterFixture("a", 0, { kubernetesVersion: "1.34" }), clusterFixture("b", 1)],
      }),
    );
    assert.notEqual(a.generation, b.generation);
    const before = plan(environmentFixture())[0].generation;
    const addons = plan(
      environmentFixture({
        addons: {
          vpcCni: "v1.19.6-eksbuild.1",
          coredns: "v1.12.1-eksbuild.2",
          kubeProxy: "v1.33.0-eksbuild.2",
        },
      }),
    )[0].generation;
    assert.notEqual(before, addons);
  });

  it("does not change generations when only weights change", () => {
    const before = plan(environmentFixture())[0].generation;
    const after = plan(
      environmentFixture({
        clusters: [clusterFixture("a", 0, { weight: 0 }), clusterFixture("b", 1)],
      }),
    )[0].generation;
    assert.equal(before, after);
  });
});

describe("generationOf", () => {
  it("is independent of key order at every level", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        assert.equal(generationOf(obj), generationOf(reversed));
        assert.equal(canonicalJson(obj), canonicalJson(reversed));
      }),
    );
  });
});

describe("splitCidr", () => {
  const vpc = fc
    .record({
      a: fc.integer({ min: 0, max: 255 }),
      b: fc.integer({ min: 0, max: 255 }),
      prefix: fc.integer({ min: 16, max: 24 }),
    })
    .map(({ a, b, prefix }) => {
      const block = new Netmask(`10.${a}.${b}.0/${prefix}`);
      return `${block.base}/${block.bitmask}`;
    });

  it("returns disjoint blocks inside the VPC, as many as asked", () => {
    fc.assert(
      fc.property(vpc, fc.integer({ min: 1, max: 12 }), (cidr, count) => {
        const prefix = Number(cidr.split("/")[1]);
        fc.pre(prefix + Math.ceil(Math.log2(count)) <= 28);
        const blocks = splitCidr(cidr, count);
        assert.equal(blocks.length, count);
        const outer = new Netmask(cidr);
        for (const block of blocks) assert.ok(outer.contains(block), `${block} not in ${cidr}`);
        for (let i = 0; i < blocks.length; i++) {
          for (let j = i + 1; j < blocks.length; j++) {
            assert.ok(!cidrsOverlap(blocks[i], blocks[j]), `${blocks[i]} overlaps ${blocks[j]}`);
          }
        }
      }),
    );
  });

  it("refuses to cut subnets smaller than AWS's /28", () => {
    assert.throws(() => splitCidr("10.0.0.0/26", 8), /too small/);
  });
});
