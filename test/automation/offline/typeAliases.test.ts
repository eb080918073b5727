import * as assert from "node:assert/strict";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { onlyRenamesType } from "../../../automation/offline/_typeAliases";
import { runOffline } from "../../../automation/offline/evaluate";

describe("type aliases offline", () => {
  it("tells an alias that only renames a type from every other kind", () => {
    assert.equal(onlyRenamesType({ type: "kubernetes:apps/v1beta1:Deployment" }), true);
    assert.equal(onlyRenamesType({ type: "a:b:C", name: "old" }), false);
    assert.equal(onlyRenamesType({ name: "old" }), false);
    assert.equal(onlyRenamesType({ parent: pulumi.rootStackResource }), false);
    assert.equal(onlyRenamesType("urn:pulumi:s::p::a:b:C::old"), false);
    assert.equal(onlyRenamesType(pulumi.output({ type: "a:b:C" })), false);
    assert.equal(onlyRenamesType({ type: pulumi.output("a:b:C") }), false);
    assert.equal(onlyRenamesType(null), false);
  });

  /** Runs `program` offline; what it failed with, if it did. */
  async function failure(program: () => void): Promise<unknown> {
    const run = await runOffline({
      project: "acme",
      stack: "t",
      config: {},
      program: () => {
        program();
        return Promise.resolve({});
      },
      onLog: () => undefined,
    });
    return run.error;
  }

  it("registers a Deployment, whose type aliases are left out, with its inputs", async () => {
    const run = await runOffline({
      project: "acme",
      stack: "t",
      config: {},
      program: () => {
        new k8s.apps.v1.Deployment("web", {
          spec: {
            selector: { matchLabels: { app: "web" } },
            template: { spec: { containers: [] } },
          },
        });
        return Promise.resolve({});
      },
      onLog: () => undefined,
    });
    assert.equal(run.error, undefined, String(run.error));
    const deployment = run.resources.find((r) => r.type === "kubernetes:apps/v1:Deployment");
    assert.deepEqual(deployment?.inputs.spec, {
      selector: { matchLabels: { app: "web" } },
      template: { spec: { containers: [] } },
    });
  });

  it("still resolves every other alias as the SDK does, so a broken one fails the program", async () => {
    const error = await failure(() => {
      new k8s.core.v1.ConfigMap("cm", { data: {} }, { aliases: [{ name: undefined }] });
    });
    assert.match(String(error), /No valid 'name' passed in for alias/);
    assert.equal(
      await failure(() => {
        new k8s.core.v1.ConfigMap(
          "cm",
          { data: {} },
          { aliases: [{ type: "a:b:C" }, { name: "old" }] },
        );
      }),
      undefined,
    );
  });
});
