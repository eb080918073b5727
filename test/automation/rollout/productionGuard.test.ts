import * as fs from "node:fs";
import * as path from "node:path";
import * as assert from "node:assert/strict";
import { loadEnvironment, type LoadedEnvironment } from "../../../automation/environment";
import { runOffline } from "../../../automation/offline/evaluate";
import type { RolloutEvent } from "../../../automation/rollout/events";
import { runRollout, type RolloutOutcome } from "../../../automation/rollout/orchestrator";
import { DirectedStack, ProgramBlastRadius } from "../../../automation/rollout/production";
import { MemoryRolloutLock } from "../../../automation/rollout/simulate/memoryLock";
import { VirtualClock } from "../../../automation/rollout/simulate/virtualClock";
import { AutomationStack } from "../../../automation/automationApi/automationStack";
import { generationOf, type ClusterSettings } from "../../../config/clusters";
import type { DeployedCluster } from "../../../config/rolloutState";
import { main } from "../../../program";
import { fakePulumi, type FakePulumi } from "../automationApi/_fakePulumiHarness";
import { realisticStream, type StepSpec } from "../automationApi/_realEvents";
import { clusterUrns, stackOutputsFixture } from "../automationApi/_stackFixtures";

const a = clusterUrns("dev", "a");
const b = clusterUrns("dev", "b");
const c = clusterUrns("dev", "c");

/** What a real preview of b's Kubernetes upgrade names: the remote component's children. */
const upgradeOfB: StepSpec[] = [
  ...[a, b, c].map((x): StepSpec => ({ op: "same", urn: x.eks, parent: x.cell })),
  { op: "update", urn: b.eksCluster, parent: b.eks },
  { op: "update", urn: b.nodes, parent: b.cell },
];

/**
 * The production side of the rollout (the Automation API stack on a scripted `pulumi` that
 * answers with real-shaped engine streams, the blast radius from the program's own offline
 * graph) around the real orchestrator; health, lock and clock in process.
 */
describe("the blast-radius guard in production, on real-shaped engine streams", () => {
  let loaded: LoadedEnvironment;
  let deployed: DeployedCluster[];

  before(async () => {
    loaded = loadEnvironment("dev", undefined);
    const run = await runOffline({
      project: loaded.project.name,
      stack: "dev",
      config: loaded.file.config,
      program: main,
    });
    assert.equal(run.error, undefined, String(run.error));
    // Cluster b is still at 1.32: the rollout moves it to the config's 1.33.
    deployed = (run.outputs.clusters as DeployedCluster[]).map((cluster) => {
      if (cluster.name !== "b") return cluster;
      const settings = {
        ...(cluster.settings as ClusterSettings),
        kubernetesVersion: "1.32",
        addons: { ...cluster.addons, kubeProxy: "v1.32.0-eksbuild.1" },
      };
      return {
        ...cluster,
        kubernetesVersion: "1.32",
        addons: settings.addons,
        settings,
        generation: generationOf(settings),
      };
    });
  });

  async function rollout(
    fake: FakePulumi,
    preview: StepSpec[],
  ): Promise<{ outcome: RolloutOutcome; events: RolloutEvent[] }> {
    fake.setOutputs("dev", { ...stackOutputsFixture("dev", deployed), rollout: { value: null } });
    fake.reply({
      match: ["preview"],
      repeat: true,
      events: realisticStream(preview, {
        preview: true,
        stack: "dev",
        internal: { defaultProviders: "update" },
      }),
    });
    const stack = new DirectedStack(
      await AutomationStack.open({
        environment: "dev",
        projectDir: fake.projectDir,
        pulumiCommand: fake.command,
      }),
    );
    const clock = new VirtualClock(Date.parse("2026-12-02T10:00:00Z"));
    const events: RolloutEvent[] = [];
    const outcome = await runRollout(
      {
        stack,
        health: {
          check: (cluster) =>
            Promise.resolve([{ gate: "api-server", cluster, ok: true, detail: "ok" }]),
        },
        blastRadius: new ProgramBlastRadius(loaded, () => stack.deployed),
        lock: new MemoryRolloutLock("dev", clock, "test"),
        clock,
        emit: (e) => events.push(e),
      },
      {
        environment: "dev",
        desired: loaded.desired,
        config: loaded.environment.config,
        soakSeconds: 30,
        pollSeconds: 10,
        drainSeconds: 0,
        startedBy: "test",
      },
    );
    return { outcome, events };
  }

  it("allows a version bump of b: its changes are b's, default providers are plumbing", async () => {
    const fake = await fakePulumi();
    try {
      const { outcome, events } = await rollout(fake, upgradeOfB);
      assert.equal(outcome.result, "succeeded", outcome.reason);
      const previews = events.filter(
        (e): e is Extract<RolloutEvent, { event: "preview" | "preflight-preview" }> =>
          e.event === "preview" || e.event === "preflight-preview",
      );
      assert.deepEqual(
        previews.map((e) => [e.event, e.cluster, e.ok, e.changes, e.outside]),
        [
          ["preflight-preview", "b", true, 2, []],
          ["preview", "b", true, 2, []],
        ],
      );
      const updates = fake.callsOf("up").length;
      assert.ok(updates >= 3, `drain, update, undrain...: ${updates} updates`);
    } finally {
      fake.cleanup();
    }
  });

  it("refuses before any drain when the preview also updates a's child", async () => {
    const fake = await fakePulumi();
    try {
      const { outcome } = await rollout(fake, [
        ...upgradeOfB,
        { op: "update", urn: a.eksCluster, parent: a.eks },
      ]);
      assert.equal(outcome.result, "refused");
      assert.match(outcome.reason ?? "", /dev-a-eks-eksCluster \(cluster a, update\)/);
      assert.match(outcome.reason ?? "", /Nothing was drained/);
      assert.deepEqual(fake.callsOf("up"), [], "no update ran");
    } finally {
      fake.cleanup();
    }
  });

  it("refuses a step whose preview changes something that maps to no cluster, saying why", async () => {
    const fake = await fakePulumi();
    try {
      const { outcome } = await rollout(fake, [
        ...upgradeOfB,
        { op: "create", urn: "urn:pulumi:dev::active-active::aws:s3/bucket:Bucket::scratch" },
      ]);
      assert.equal(outcome.result, "refused");
      assert.match(
        outcome.reason ?? "",
        /scratch \(maps to no cluster: not in the program's resource graph/,
      );
      assert.deepEqual(fake.callsOf("up"), []);
    } finally {
      fake.cleanup();
    }
  });
});

/**
 * A removal through the production adapters: the Automation API stack on a scripted `pulumi`
 * whose preview of the delete is built from recorded engine events (a deleted resource's step
 * carries its parent and provider in its old state only), the blast radius from the program's own
 * offline graphs before and after the cluster is released.
 */
describe("the blast-radius guard on a real-shaped preview of a cluster's deletion", () => {
  it("deletes c: every deleted resource, remote children included, is attributed to c", async () => {
    const loaded = loadEnvironment(undefined, "examples/lifecycle/Pulumi.dev-remove.yaml");
    const env = loaded.environment.name;
    const full = loadEnvironment("dev", undefined);
    const run = await runOffline({
      project: loaded.project.name,
      stack: env,
      config: full.file.config,
      program: main,
    });
    assert.equal(run.error, undefined, String(run.error));
    const deployed = run.outputs.clusters as DeployedCluster[];
    const [a, b, c] = ["a", "b", "c"].map((n) => clusterUrns(env, n));
    const k8sChild = run.resources.find(
      (r) => r.type === "kubernetes:apps/v1:Deployment" && r.name.endsWith("-c"),
    )!;
    const deletion: StepSpec[] = [
      ...[a, b].map((x): StepSpec => ({ op: "same", urn: x.eks, parent: x.cell })),
      { op: "delete", urn: c.eksCluster, parent: c.eks },
      { op: "delete", urn: c.nodes, parent: c.cell },
      { op: "delete", urn: c.coredns, parent: c.cell },
      { op: "delete", urn: k8sChild.urn, parent: k8sChild.parent, provider: c.k8sProviderRef },
      { op: "delete", urn: c.eks, parent: c.cell, component: true },
    ];
    const fake = await fakePulumi({ stacks: [env] });
    try {
      fs.copyFileSync(
        "examples/lifecycle/Pulumi.dev-remove.yaml",
        path.join(fake.projectDir, "stacks", `Pulumi.${env}.yaml`),
      );
      fake.setOutputs(env, { ...stackOutputsFixture(env, deployed), rollout: { value: null } });
      fake.reply({
        match: ["preview"],
        repeat: true,
        events: realisticStream(deletion, { preview: true, stack: env }),
      });
      const stack = new DirectedStack(
        await AutomationStack.open({
          environment: env,
          projectDir: fake.projectDir,
          pulumiCommand: fake.command,
        }),
      );
      const clock = new VirtualClock(Date.parse("2026-12-02T10:00:00Z"));
      const events: RolloutEvent[] = [];
      const outcome = await runRollout(
        {
          stack,
          health: {
            check: (cluster) =>
              Promise.resolve([{ gate: "api-server", cluster, ok: true, detail: "ok" }]),
          },
          blastRadius: new ProgramBlastRadius(loaded, () => stack.deployed),
          lock: new MemoryRolloutLock(env, clock, "test"),
          clock,
          emit: (e) => events.push(e),
        },
        {
          environment: env,
          desired: loaded.desired,
          config: loaded.environment.config,
          soakSeconds: 30,
          pollSeconds: 10,
          drainSeconds: 0,
          startedBy: "test",
        },
      );
      assert.equal(outcome.result, "succeeded", outcome.reason);
      const preview = events.find((e) => e.event === "preview");
      assert.ok(preview?.event === "preview");
      assert.deepEqual(
        [preview.cluster, preview.ok, preview.changes, preview.outside],
        ["c", true, deletion.filter((s) => s.op === "delete").length, []],
      );
      assert.ok(events.some((e) => e.event === "removed" && e.cluster === "c"));
    } finally {
      fake.cleanup();
    }
  });
});
