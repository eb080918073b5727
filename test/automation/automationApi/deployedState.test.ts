import * as assert from "node:assert/strict";
import {
  parseDeployedState,
  type RawOutput,
} from "../../../automation/automationApi/deployedState";
import { clusterOutputFixture, stackOutputsFixture } from "./_stackFixtures";

const outputs = (overrides: Record<string, RawOutput> = {}): Record<string, RawOutput> =>
  Object.fromEntries(
    Object.entries({ ...stackOutputsFixture("prod"), ...overrides }).map(([k, v]) => [
      k,
      { value: v.value, secret: Boolean(v.secret) },
    ]),
  );

describe("deployed state", () => {
  it("reads the environment and every cluster, and never the kubeconfigs", () => {
    const state = parseDeployedState(outputs());
    assert.ok(state && !("problems" in state));
    assert.equal(state.environment, "prod");
    assert.deepEqual(
      state.clusters.map((c) => [c.name, c.kubernetesVersion, c.generation]),
      [
        ["a", "1.33", "gen-a-1"],
        ["b", "1.33", "gen-b-1"],
        ["c", "1.33", "gen-c-1"],
      ],
    );
    assert.doesNotMatch(JSON.stringify(state), /SECRET-TOKEN|kubeconfigs/);
  });

  it("is undefined for a stack that was never deployed", () => {
    assert.equal(parseDeployedState({}), undefined);
  });

  it("names the field, the value and the expectation when a cluster lacks its generation", () => {
    const broken = { ...clusterOutputFixture({ name: "b" }), generation: undefined };
    const state = parseDeployedState(
      outputs({ clusters: { value: [clusterOutputFixture(), broken], secret: false } }),
    );
    assert.ok(state && "problems" in state);
    assert.deepEqual(state.problems.length, 1);
    assert.match(state.problems[0], /^output clusters\[1\]\.generation: .*got nothing/);
  });

  it("refuses a secret clusters output (the rollout must be able to show it)", () => {
    const state = parseDeployedState(
      outputs({ clusters: { value: [clusterOutputFixture()], secret: true } }),
    );
    assert.ok(state && "problems" in state);
    assert.match(state.problems[0], /"clusters" is a secret/);
  });
});
