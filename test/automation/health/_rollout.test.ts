import * as assert from "node:assert/strict";
import {
  daemonSetStatus,
  deploymentStatus,
  labelSelectorOf,
  podProblem,
} from "../../../automation/health/_rollout";
import { daemonSetFixture, deploymentFixture, podFixture } from "./_fixtures";

describe("deploymentStatus", () => {
  const d = (o: Partial<Parameters<typeof deploymentFixture>[0]> = {}) =>
    deploymentStatus(deploymentFixture({ name: "api", namespace: "apps", ...o }));

  it("is ok when every replica is updated and available", () => {
    assert.deepEqual(d(), { ok: true, summary: "2/2 available", desired: 2, available: 2 });
  });
  it("is not ok before the controller has seen the new spec", () => {
    assert.equal(
      d({ generation: 4, observedGeneration: 3 }).summary,
      "new spec not yet seen by the controller (generation 4, observed 3)",
    );
  });
  it("is not ok while replicas run the old template", () => {
    assert.equal(d({ updated: 1 }).summary, "1/2 updated, 2/2 available");
  });
  it("is not ok while old replicas are still running", () => {
    assert.equal(d({ total: 3 }).summary, "1 old replica(s) still running");
  });
  it("is not ok with fewer replicas available than wanted", () => {
    assert.equal(d({ available: 1 }).ok, false);
  });
  it("is not ok when the rollout exceeded its progress deadline", () => {
    assert.match(d({ stuck: true }).summary, /ProgressDeadlineExceeded/);
  });
  it("is not ok when scaled to zero", () => {
    assert.equal(d({ replicas: 0, available: 0 }).summary, "scaled to 0 replicas");
  });
  it("is not ok without any status yet", () => {
    const fresh = deploymentFixture({ name: "api", namespace: "apps" });
    delete fresh.status;
    assert.equal(deploymentStatus(fresh).ok, false);
  });
});

describe("daemonSetStatus", () => {
  const ds = (o: Partial<Parameters<typeof daemonSetFixture>[0]> = {}) =>
    daemonSetStatus(daemonSetFixture({ name: "aws-node", namespace: "kube-system", ...o }));

  it("is ok when every scheduled pod is updated and available", () => {
    assert.equal(ds().ok, true);
  });
  it("is not ok on no nodes at all", () => {
    assert.equal(ds({ desired: 0 }).summary, "scheduled on no nodes");
  });
  it("is not ok while pods run the old template", () => {
    assert.equal(ds({ updated: 2 }).summary, "2/3 updated, 3/3 available");
  });
  it("is not ok with pods unavailable", () => {
    assert.equal(ds({ available: 1 }).summary, "1/3 available");
  });
});

describe("podProblem", () => {
  it("is undefined for a Ready pod", () => {
    assert.equal(podProblem(podFixture({ name: "a-1", namespace: "x", labels: {} })), undefined);
  });
  it("names the waiting reason and restarts", () => {
    assert.equal(
      podProblem(
        podFixture({ name: "a-1", namespace: "x", labels: {}, waiting: "ImagePullBackOff" }),
      ),
      "ImagePullBackOff (container a)",
    );
  });
  it("names why a pod is not scheduled", () => {
    assert.equal(
      podProblem({
        status: {
          phase: "Pending",
          conditions: [
            {
              type: "PodScheduled",
              status: "False",
              reason: "Unschedulable",
              message: "0/3 nodes are available",
            },
          ],
        },
      }),
      "Pending: 0/3 nodes are available",
    );
  });
});

describe("labelSelectorOf", () => {
  it("joins matchLabels and gives up on expressions", () => {
    assert.equal(labelSelectorOf({ matchLabels: { a: "1", b: "2" } }), "a=1,b=2");
    assert.equal(labelSelectorOf({ matchLabels: { a: "1" }, matchExpressions: [{}] }), undefined);
  });
});
