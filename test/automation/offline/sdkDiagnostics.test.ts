import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { withoutSdkDiagnostics } from "../../../automation/offline/_sdkDiagnostics";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
  debuggablePromise: (p: Promise<unknown>, ctx: string) => Promise<unknown>;
};
const resourceClass = pulumi.Resource as unknown as { stackTrace: (skip: number) => unknown[] };

describe("withoutSdkDiagnostics", () => {
  it("leaves promises untracked and resources without a stack during the run", async () => {
    await withoutSdkDiagnostics(async () => {
      const p = debuggable.debuggablePromise(Promise.resolve(7), "ctx");
      assert.equal(await p, 7);
      const rejected = debuggable.debuggablePromise(Promise.reject(new Error("no")), "ctx");
      await assert.rejects(rejected, /no/);
      assert.deepEqual(resourceClass.stackTrace(0), []);
    });
  });

  it("puts the SDK's own functions back after the run, also when it fails", async () => {
    const tracked = debuggable.debuggablePromise;
    const stackTrace = resourceClass.stackTrace;
    await assert.rejects(
      withoutSdkDiagnostics(() => Promise.reject(new Error("program failed"))),
      /program failed/,
    );
    assert.equal(debuggable.debuggablePromise, tracked);
    assert.equal(resourceClass.stackTrace, stackTrace);
  });
});
