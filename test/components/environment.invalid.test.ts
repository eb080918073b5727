import * as assert from "node:assert/strict";
import { runOffline } from "../../automation/offline/evaluate";
import { Environment } from "../../components/environment";
import { ConfigError } from "../../config/errors";
import { clusterFixture, environmentFixture } from "../_fixtures";

describe("Environment with an invalid config", () => {
  it("throws a ConfigError before registering any resource", async () => {
    const result = await runOffline({
      project: "active-active",
      stack: "test",
      config: { "aws:region": "us-east-1" },
      program: () => {
        new Environment("test", {
          name: "test",
          config: environmentFixture({ clusters: [clusterFixture("a", 0)] }) as never,
        });
        return Promise.resolve();
      },
    });
    assert.ok(result.error instanceof ConfigError, String(result.error));
    assert.match((result.error as Error).message, /active-active:clusters: 1 cluster/);
    const registered = result.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    assert.deepEqual(registered, []);
  });
});
