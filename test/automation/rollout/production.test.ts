import * as assert from "node:assert/strict";
import { loadEnvironment } from "../../../automation/environment";
import { runOffline } from "../../../automation/offline/evaluate";
import { apiServerGate } from "../../../automation/health/apiServer";
import { systemClock } from "../../../automation/health/clock";
import { soak } from "../../../automation/health/soak";
import { waitUntilHealthy } from "../../../automation/health/wait";
import {
  ClusterTargets,
  DirectedStack,
  GateHealth,
  ProgramBlastRadius,
} from "../../../automation/rollout/production";
import { AutomationStack } from "../../../automation/automationApi/automationStack";
import type { DeployedState } from "../../../automation/automationApi/deployedState";
import { DIRECTIVE_ENV, type Directive } from "../../../config/rolloutState";
import { main } from "../../../program";
import { startFakeKube } from "../health/_fakeKube";
import { targetFixture } from "../health/_fixtures";
import { fakePulumi } from "../automationApi/_fakePulumiHarness";
import {
  clusterUrns,
  engineEvents,
  parentOf,
  stackOutputsFixture,
  stackUrn,
} from "../automationApi/_stackFixtures";

const record = {
  id: "r1",
  startedAt: "2026-11-25T10:00:00Z",
  startedBy: "test",
  target: {},
  drained: ["b"],
  state: "in-progress" as const,
  current: "b",
};

describe("production rollout adapters", () => {
  it("ClusterTargets: reads the kubeconfigs again for a cluster created since (an add step)", async () => {
    const loaded = loadEnvironment(undefined, "examples/lifecycle/Pulumi.dev-add.yaml");
    const kubeconfig = "apiVersion: v1\nkind: Config\nclusters: []\n";
    let reads = 0;
    const stack = {
      kubeconfigs: () => {
        reads++;
        const names = reads === 1 ? ["a", "b", "c"] : ["a", "b", "c", "d"];
        const all = Object.fromEntries(names.map((n) => [n, kubeconfig]));
        return Promise.resolve({ reveal: () => all });
      },
    } as unknown as AutomationStack;
    const facts = (name: string) => ({
      name,
      weight: 1,
      kubernetesVersion: "1.33",
      addons: { vpcCni: "v1", coredns: "v1", kubeProxy: "v1" },
      generation: "g",
      ingress: {},
      healthChecks: {},
    });
    const deployed = {
      clusters: ["a", "b", "c", "d"].map(facts),
      rollout: null,
    } as unknown as DeployedState;
    const targets = new ClusterTargets(loaded, stack, () => deployed);
    assert.equal(typeof (await targets.target("a")), "object");
    assert.equal(reads, 1);
    const d = await targets.target("d");
    assert.equal(typeof d, "object", typeof d === "string" ? d : "");
    assert.equal(reads, 2);
    await targets.target("b");
    assert.equal(reads, 2, "read again only for a cluster it did not have");
  });

  it("ClusterTargets: a cluster being removed is checked as it was deployed", async () => {
    const loaded = loadEnvironment(undefined, "examples/lifecycle/Pulumi.dev-remove.yaml");
    const c = loadEnvironment("dev", undefined).desired.find((d) => d.name === "c")!;
    const kubeconfig = "apiVersion: v1\nkind: Config\nclusters: []\n";
    const stack = {
      kubeconfigs: () => Promise.resolve({ reveal: () => ({ c: kubeconfig }) }),
    } as unknown as AutomationStack;
    const deployed = {
      clusters: [
        {
          name: "c",
          weight: 1,
          kubernetesVersion: "1.33",
          addons: c.settings.addons,
          generation: c.generation,
          settings: c.settings,
          ingress: { api: "c-api.elb.example.com" },
          healthChecks: {},
        },
      ],
      rollout: null,
    } as unknown as DeployedState;
    const target = await new ClusterTargets(loaded, stack, () => deployed).target("c");
    assert.ok(typeof target === "object", typeof target === "string" ? target : "");
    assert.equal(target.name, "c");
    assert.deepEqual(
      target.services.map((s) => s.name),
      c.settings.services.map((s) => s.name),
    );
  });

  it("ProgramBlastRadius: owners of an update's URNs come from the program's own graph", async () => {
    const loaded = loadEnvironment("dev", undefined);
    const first = await runOffline({
      project: loaded.project.name,
      stack: "dev",
      config: loaded.file.config,
      program: main,
    });
    const deployed = first.outputs as unknown as DeployedState;
    const directive: Directive = {
      advance: { cluster: "b", settings: loaded.desired[1].settings },
      drained: ["b"],
      record,
    };
    const graph = await new ProgramBlastRadius(loaded, () => deployed).graph(directive);
    const owner = (urn: string) => graph.ownerOf(urn);
    const eksB = first.resources.find(
      (r) => r.type === "eks:index:Cluster" && r.name === "dev-b-eks",
    )!;
    const recordA = first.resources.find(
      (r) => r.type === "aws:route53/record:Record" && r.inputs.setIdentifier === "a",
    )!;
    assert.equal(owner(eksB.urn), "b");
    assert.equal(owner(recordA.urn), "a");
    assert.equal(owner(first.resources[0].urn), null, "the stack itself is environment-level");
    assert.equal(owner("urn:pulumi:dev::active-active::aws:s3/bucket:Bucket::stray"), undefined);
  });

  it("DirectedStack: reads settings and the rollout record, passes the directive to the program", async () => {
    const fake = await fakePulumi();
    try {
      fake.setOutputs("dev", {
        ...stackOutputsFixture("dev"),
        rollout: { value: record },
      });
      const stack = new DirectedStack(
        await AutomationStack.open({
          environment: "dev",
          projectDir: fake.projectDir,
          pulumiCommand: fake.command,
        }),
      );
      const state = await stack.readState();
      assert.deepEqual(
        state.clusters.map((c) => c.name),
        ["a", "b", "c"],
      );
      assert.equal(state.rollout?.id, "r1");

      const b = clusterUrns("dev", "b");
      fake.reply({
        match: ["preview"],
        events: engineEvents([
          ["same", stackUrn("dev")],
          ["update", b.eks],
        ]),
      });
      const directive: Directive = { drained: ["b"], record };
      const steps = await stack.preview(directive);
      const shown = steps.map((c) => `${c.kind} ${c.type}`);
      assert.deepEqual(
        shown.filter((x) => !x.includes("pulumi:providers:")),
        ["same pulumi:pulumi:Stack", "update eks:index:Cluster"],
        "every step, unchanged resources too: their parents tie remote components' children to a cluster",
      );
      assert.ok(
        shown.some((x) => x.startsWith("same pulumi:providers:")),
        "the engine's default-provider steps come through too (the mapping calls them plumbing)",
      );
      const eks = steps.find((c) => c.urn === b.eks);
      assert.equal(eks?.parent, parentOf(b.eks), "the parent from the step's state");
      const [call] = fake.callsOf("preview");
      assert.deepEqual(JSON.parse(call.env[DIRECTIVE_ENV]), directive);
    } finally {
      fake.cleanup();
    }
  });
});

/**
 * The rollout's health port in the shared health wait and soak, as the orchestrator runs them:
 * each round is `health.check(cluster, round)`, against an API server that never answers.
 */
describe("GateHealth in the shared health wait and soak", () => {
  async function hangingCluster() {
    const kube = await startFakeKube({ overrides: { "/readyz": "hang" } });
    const target = targetFixture(kube.kubeconfig);
    // api-server waits 10 s by default: far longer than any deadline below.
    const health = new GateHealth({ target: () => Promise.resolve(target) }, [apiServerGate()]);
    return { kube, health, cluster: target.name };
  }

  it("cuts a check that hangs at the health wait's deadline", async () => {
    const { kube, health, cluster } = await hangingCluster();
    try {
      const started = Date.now();
      const waited = await waitUntilHealthy({
        check: (round) => health.check(cluster, round),
        clock: systemClock(),
        timeoutMs: 300,
        pollIntervalMs: 1000,
      });
      assert.ok(Date.now() - started < 2000, `ended after ${Date.now() - started} ms`);
      assert.ok(!waited.ok);
      assert.equal(waited.reason, "timeout");
      assert.equal(waited.rounds, 1);
      assert.equal(waited.failing[0].gate, "api-server");
      assert.match(waited.failing[0].detail, /^no answer within \d+ ms while /);
    } finally {
      await kube.close();
    }
  });

  it("stops a health wait at once when its signal aborts, the check hanging", async () => {
    const { kube, health, cluster } = await hangingCluster();
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      const waited = await waitUntilHealthy({
        check: (round) => health.check(cluster, round),
        clock: systemClock(),
        timeoutMs: 60_000,
        pollIntervalMs: 1000,
        signal: controller.signal,
      });
      assert.ok(Date.now() - started < 2000, `ended after ${Date.now() - started} ms`);
      assert.ok(!waited.ok);
      assert.equal(waited.reason, "aborted");
      assert.equal(waited.rounds, 1);
      assert.match(waited.failing[0].detail, /^cancelled while /);
    } finally {
      await kube.close();
    }
  });

  it("stops a soak at once when its signal aborts, the check hanging", async () => {
    const { kube, health, cluster } = await hangingCluster();
    try {
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const started = Date.now();
      const held = await soak({
        check: (round) => health.check(cluster, round),
        clock: systemClock(),
        durationMs: 60_000,
        pollIntervalMs: 1000,
        signal: controller.signal,
      });
      assert.ok(Date.now() - started < 2000, `ended after ${Date.now() - started} ms`);
      assert.ok(!held.ok);
      assert.equal(held.reason, "aborted");
      assert.equal(held.rounds, 1);
    } finally {
      await kube.close();
    }
  });
});
