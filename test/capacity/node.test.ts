import * as assert from "node:assert/strict";
import { allocatable, kubeletReserved, kubeReservedCpuMilli } from "../../capacity/node";

describe("node capacity", () => {
  it("reserves CPU for the kubelet the way the EKS AMI does", () => {
    assert.equal(kubeReservedCpuMilli(1), 60); // 6% of the first core
    assert.equal(kubeReservedCpuMilli(2), 70); // + 1% of the second
    assert.equal(kubeReservedCpuMilli(4), 80); // + 0.5% of the third and fourth
    assert.equal(kubeReservedCpuMilli(16), 110); // + 0.25% of each further core
  });

  it("offers pods the node's size minus what the kubelet keeps", () => {
    // m6i.large: 2 vCPU, 8 GiB, 29 pods (docs/cost.md's worked example).
    const size = { vcpu: 2, memoryGiB: 8, maxPods: 29 };
    assert.deepEqual(kubeletReserved(size), { cpuMilli: 70, memoryMiB: 255 + 11 * 29 + 100 });
    assert.deepEqual(allocatable(size), { cpuMilli: 1930, memoryMiB: 7518 });
  });
});
