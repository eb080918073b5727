import * as assert from "node:assert/strict";
import { cpuMillicores, memoryMiB as memoryMiBOf, parseQuantity } from "../../capacity/quantity";
import { cpuMilli, memoryMiB } from "../../automation/capacity/liveCapacity";

describe("Kubernetes quantities", () => {
  const table: [string, number][] = [
    ["250m", 0.25],
    ["1", 1],
    ["1.5", 1.5],
    ["2k", 2000],
    ["1Ki", 1024],
    ["256Mi", 268435456],
    ["1Gi", 1073741824],
    ["1G", 1e9],
    ["1e3", 1000],
    ["100n", 1e-7],
  ];
  for (const [text, value] of table) {
    it(`reads ${text}`, () => assert.ok(Math.abs(parseQuantity(text)! - value) < 1e-12));
  }

  it("refuses what it cannot read instead of counting it as 0", () => {
    assert.equal(parseQuantity("lots"), undefined);
    assert.equal(parseQuantity("1Qi"), undefined);
    assert.throws(() => cpuMilli("lots"), /"lots" is not a Kubernetes quantity/);
  });

  it("converts to millicores and MiB for the capacity math", () => {
    assert.equal(cpuMilli("1.5"), 1500);
    assert.equal(cpuMilli("250m"), 250);
    assert.equal(cpuMilli(undefined), 0);
    assert.equal(memoryMiB("1Gi"), 1024);
    assert.equal(memoryMiB("3977232Ki"), 3884);
  });

  it("reads quantities for the cost model, undefined when it cannot", () => {
    assert.equal(cpuMillicores("250m"), 250);
    assert.equal(cpuMillicores("1.5"), 1500);
    assert.equal(cpuMillicores("0.1"), 100);
    assert.equal(memoryMiBOf("70Mi"), 70);
    assert.equal(memoryMiBOf("1Gi"), 1024);
    assert.equal(memoryMiBOf("0"), 0);
    assert.equal(memoryMiBOf("1G"), Math.round((1e9 / 2 ** 20) * 1e6) / 1e6);
    assert.equal(cpuMillicores("lots"), undefined);
  });
});
