import * as assert from "node:assert/strict";
import { kubeReservedCpuMilli } from "../../../automation/cost/node";
import { cents, money } from "../../../automation/cost/_format";
import { cpuMillicores, memoryMiB } from "../../../automation/quantity";

describe("node capacity", () => {
  it("reserves CPU for the kubelet the way the EKS AMI does", () => {
    assert.equal(kubeReservedCpuMilli(1), 60); // 6% of the first core
    assert.equal(kubeReservedCpuMilli(2), 70); // + 1% of the second
    assert.equal(kubeReservedCpuMilli(4), 80); // + 0.5% of the third and fourth
    assert.equal(kubeReservedCpuMilli(16), 110); // + 0.25% of each further core
  });

  it("reads Kubernetes quantities as millicores and MiB", () => {
    assert.equal(cpuMillicores("250m"), 250);
    assert.equal(cpuMillicores("1.5"), 1500);
    assert.equal(cpuMillicores("0.1"), 100);
    assert.equal(memoryMiB("70Mi"), 70);
    assert.equal(memoryMiB("1Gi"), 1024);
    assert.equal(memoryMiB("0"), 0);
    assert.equal(memoryMiB("1G"), Math.round((1e9 / 2 ** 20) * 1e6) / 1e6);
    assert.equal(cpuMillicores("lots"), undefined);
  });
});

describe("money", () => {
  it("rounds to cents half away from zero, on the decimal digits", () => {
    assert.equal(cents(1.005), 1.01);
    assert.equal(cents(71.175), 71.18);
    assert.equal(cents(-30.325), -30.33);
    assert.ok(Object.is(cents(-0.001), 0));
  });

  it("formats amounts for the table", () => {
    assert.equal(money(1015.07, "USD"), "$1,015.07");
    assert.equal(money(-30.32, "USD"), "-$30.32");
    assert.equal(money(1234567.5, "EUR"), "1,234,567.50 EUR");
  });
});
