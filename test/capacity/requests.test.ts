import * as assert from "node:assert/strict";
import { cpuMillicores, memoryMiB } from "../../capacity/quantity";
import { podRequests, type ReadQuantity } from "../../capacity/requests";

const read: ReadQuantity = (value, resource) =>
  (resource === "cpu" ? cpuMillicores : memoryMiB)(value as string) ?? NaN;

const container = (cpu?: string, memory?: string) => ({
  name: "c",
  resources: { requests: { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}) } },
});

describe("podRequests", () => {
  it("adds up the containers' requests", () => {
    const spec = { containers: [container("250m", "256Mi"), container("100m", "64Mi")] };
    assert.deepEqual(podRequests(spec, read), { cpuMilli: 350, memoryMiB: 320 });
  });

  it("counts an init container instead when it asks for more, and the pod's overhead", () => {
    const spec = {
      initContainers: [container("1", "64Mi"), container("500m", "1Gi")],
      containers: [container("250m", "256Mi")],
      overhead: { cpu: "10m", memory: "16Mi" },
    };
    assert.deepEqual(podRequests(spec, read), { cpuMilli: 1010, memoryMiB: 1040 });
  });

  it("counts 0 for what is not requested, and nothing for a spec that is not one", () => {
    assert.deepEqual(podRequests({ containers: [{ name: "c" }, container("100m")] }, read), {
      cpuMilli: 100,
      memoryMiB: 0,
    });
    assert.deepEqual(podRequests(undefined, read), { cpuMilli: 0, memoryMiB: 0 });
  });

  it("hands the reader what stands where a map or a list belongs (a value not known yet)", () => {
    for (const spec of [
      { containers: "[unknown]" },
      { containers: ["[unknown]"] },
      { containers: [{ resources: "[unknown]" }] },
      { containers: [{ resources: { requests: "[unknown]" } }] },
      { containers: [], overhead: "[unknown]" },
    ]) {
      assert.ok(Number.isNaN(podRequests(spec, read).cpuMilli), JSON.stringify(spec));
    }
  });

  it("leaves an unreadable quantity to the reader", () => {
    const spec = { containers: [container("lots")] };
    assert.ok(Number.isNaN(podRequests(spec, read).cpuMilli));
    assert.throws(() =>
      podRequests(spec, () => {
        throw new Error("not a quantity");
      }),
    );
  });
});
