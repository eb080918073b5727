import * as assert from "node:assert/strict";
import { loadEnvironment } from "../../../automation/environment";
import { runOffline } from "../../../automation/offline/evaluate";
import { mapSteps } from "../../../automation/blastRadius/steps";
import { ProgramBlastRadius } from "../../../automation/rollout/production";
import { AutomationStack } from "../../../automation/automationApi/automationStack";
import type { DeployedState } from "../../../automation/automationApi/deployedState";
import { StackCommandError } from "../../../automation/automationApi/errors";
import type { StackEvent } from "../../../automation/automationApi/events";
import type { Directive } from "../../../config/rolloutState";
import { main } from "../../../program";
import { fakePulumi, type FakePulumi } from "./_fakePulumiHarness";
import {
  defaultProviderUrn,
  FIXTURES,
  previewJson,
  realisticStream,
  realisticStreamTraced,
  recordedStream,
  sdkVersion,
  stepEvents,
  unnumbered,
  type FixtureName,
  type RealEvent,
  type StepSpec,
} from "./_realEvents";
import {
  clusterUrns,
  environmentUrn,
  parentOf,
  stackOutputsFixture,
  stackUrn,
  urn,
} from "./_stackFixtures";

const STEP_KINDS = ["resourcePreEvent", "resOutputsEvent", "resOpFailedEvent"] as const;

/** The one event field of an event (besides sequence and timestamp). */
function kindOf(event: RealEvent): string {
  const kinds = Object.keys(event).filter((k) => k !== "sequence" && k !== "timestamp");
  assert.equal(kinds.length, 1, `one event field in ${JSON.stringify(event).slice(0, 200)}`);
  return kinds[0];
}

const a = clusterUrns("dev", "a");
const b = clusterUrns("dev", "b");
const awsProvider = defaultProviderUrn("dev", "aws", sdkVersion("aws"));
const eksProvider = defaultProviderUrn("dev", "eks", sdkVersion("eks"));

describe("recorded engine events (test/fixtures/engine)", () => {
  it("every fixture parses, one engine event a line with exactly one event field", () => {
    for (const name of Object.keys(FIXTURES) as FixtureName[]) {
      const events = recordedStream(name);
      assert.ok(events.length >= 4, name);
      for (const event of events) kindOf(event);
      assert.equal(kindOf(events.at(-1)!), "cancelEvent", `${name} ends with cancelEvent`);
    }
  });

  it("an EKS preview names the eks:index:Cluster's children with their parent and provider in old and new state", () => {
    const events = recordedStream("eksPreview");
    const steps = events.flatMap((e) => (e.resourcePreEvent ? [e.resourcePreEvent] : []));
    const byUrn = (tail: string) => {
      const found = steps.find((s) => s.metadata.urn.endsWith(tail));
      assert.ok(found, tail);
      return found.metadata;
    };
    const cluster = byUrn("::eks:index:Cluster::cluster");
    const control = byUrn("::eks:index:Cluster$aws:eks/cluster:Cluster::cluster-eksCluster");
    assert.equal(control.old?.parent, cluster.urn);
    assert.equal(control.new?.parent, cluster.urn);
    assert.match(
      control.provider,
      /^urn:pulumi:dev::aws-ts-eks::pulumi:providers:aws::default_4_38_1::[0-9a-f-]{36}$/,
    );
    assert.equal(control.new?.custom, true);
    // This 2022 recording leaves the provider out of old and new state (""); the 2024 and 2026
    // ones carry it there too, as today's engine does (makeStepEventStateMetadata).
    assert.equal(control.old?.provider, "");
    for (const name of ["failedUpdate", "refreshReplaceUpdate"] as const) {
      const update = recordedStream(name).find((e) => e.resourcePreEvent?.metadata.op === "update")
        ?.resourcePreEvent?.metadata;
      const anyStep =
        update ??
        recordedStream(name).find((e) => e.resourcePreEvent?.metadata.provider)!.resourcePreEvent!
          .metadata;
      assert.notEqual(anyStep.provider, "");
      assert.equal((anyStep.new ?? anyStep.old)?.provider, anyStep.provider, name);
    }

    const serviceRole = byUrn("::eks:index:Cluster$eks:index:ServiceRole::cluster-eksRole");
    const role = byUrn(
      "::eks:index:Cluster$eks:index:ServiceRole$aws:iam/role:Role::cluster-eksRole-role",
    );
    assert.equal(serviceRole.new?.parent, cluster.urn);
    assert.equal(role.new?.parent, serviceRole.urn, "a grandchild's parent is its own component");

    const k8s = byUrn("::eks:index:Cluster$pulumi:providers:kubernetes::cluster-eks-k8s");
    const configMap = byUrn("::eks:index:Cluster$kubernetes:core/v1:ConfigMap::cluster-nodeAccess");
    assert.equal(k8s.new?.parent, cluster.urn);
    assert.equal(k8s.provider, "", "a provider has no provider");
    assert.equal(configMap.provider.split("::").slice(0, -1).join("::"), k8s.urn);

    // Components have no `custom`, and are `logical`.
    assert.equal(cluster.new?.custom, undefined);
    assert.equal(cluster.logical, true);
  });

  it("a preview's step events are `planning`; each step is done once, components again with their outputs", () => {
    const events = recordedStream("eksPreview");
    const steps = events.flatMap((e) => {
      const body = e.resourcePreEvent ?? e.resOutputsEvent;
      return body ? [body] : [];
    });
    assert.ok(steps.every((s) => s.planning === true));
    const stack = "urn:pulumi:dev::aws-ts-eks::pulumi:pulumi:Stack::aws-ts-eks-dev";
    const outputsOf = (u: string) =>
      events.filter((e) => e.resOutputsEvent?.metadata.urn === u).length;
    assert.equal(outputsOf(stack), 2);
    assert.equal(outputsOf("urn:pulumi:dev::aws-ts-eks::eks:index:Cluster::cluster"), 2);
    assert.equal(
      outputsOf(
        "urn:pulumi:dev::aws-ts-eks::eks:index:Cluster$aws:eks/cluster:Cluster::cluster-eksCluster",
      ),
      1,
    );
    // An update's step events are not.
    assert.ok(
      recordedStream("eksUpdate").every(
        (e) => !e.resourcePreEvent?.planning && !e.resOutputsEvent?.planning,
      ),
    );
  });

  it("lifecycle summaries say isPreview and result; the older display recordings do not", () => {
    const summaryOf = (name: FixtureName) =>
      recordedStream(name).find((e) => e.summaryEvent)!.summaryEvent!;
    assert.deepEqual(
      [summaryOf("replacePreview").isPreview, summaryOf("replacePreview").result],
      [true, "succeeded"],
    );
    assert.deepEqual(
      [summaryOf("failedUpdateStep").isPreview, summaryOf("failedUpdateStep").result],
      [false, "failed"],
    );
    assert.deepEqual(
      [summaryOf("failedPreview").isPreview, summaryOf("failedPreview").result],
      [true, "failed"],
    );
    assert.equal(summaryOf("eksPreview").isPreview, undefined);
    assert.deepEqual(summaryOf("eksPreview").resourceChanges, { same: 57, update: 1 });
    // Lifecycle recordings zero their numbers; display recordings keep some of a run's events.
    assert.ok(recordedStream("replacePreview").every((e) => e.sequence === 0));
    const seqs = recordedStream("eksPreview").map((e) => e.sequence!);
    assert.ok(
      seqs.some((s, i) => i > 0 && s !== seqs[i - 1] + 1),
      "gaps in the display recording",
    );
  });

  it("a real failed update fails its step with a resOpFailedEvent and counts only finished logical steps", () => {
    const events = recordedStream("failedUpdate");
    const failed = events.find((e) => e.resOpFailedEvent)!.resOpFailedEvent!;
    assert.equal(failed.metadata.op, "update");
    assert.equal(failed.status, 2);
    assert.equal(failed.steps, 1);
    const pres = events.filter((e) => e.resourcePreEvent).length;
    const summary = events.find((e) => e.summaryEvent)!.summaryEvent!;
    assert.deepEqual(summary.resourceChanges, { same: 1 });
    assert.ok(pres > 1, "more steps started than the summary counts");
    assert.equal(summary.maybeCorrupt, true);
    // A step already running still finishes after the failure, and is not logical.
    const late = events.slice(events.findIndex((e) => e.resOpFailedEvent));
    const deleteReplaced = late.find((e) => e.resOutputsEvent?.metadata.op === "delete-replaced");
    assert.ok(deleteReplaced);
    assert.equal(deleteReplaced.resOutputsEvent!.metadata.logical, undefined);
    // The engine's failure order, from a lifecycle recording.
    assert.deepEqual(recordedStream("failedUpdateStep").map(kindOf), [
      "preludeEvent",
      "resourcePreEvent",
      "diagnosticEvent",
      "resOpFailedEvent",
      "diagnosticEvent",
      "summaryEvent",
      "cancelEvent",
    ]);
    // A failed preview sends no resOpFailedEvent.
    assert.ok(!recordedStream("failedPreview").some((e) => e.resOpFailedEvent));
  });

  it("an internal default provider step looks like any step, and the summary leaves it out", () => {
    const events = recordedStream("defaultProviderCreate");
    const provider = events.find((e) => e.resourcePreEvent)!.resourcePreEvent!.metadata;
    assert.equal(provider.op, "create");
    assert.equal(provider.urn, "urn:pulumi:test::test::pulumi:providers:pkgA::default");
    assert.equal(provider.old, null);
    assert.equal(provider.new?.parent, "");
    assert.equal(Object.keys(provider).includes("internal"), false, "nothing marks it internal");
    assert.deepEqual(events.find((e) => e.summaryEvent)!.summaryEvent!.resourceChanges, {
      create: 1,
    });
    const same = recordedStream("defaultProviderSame").find((e) => e.resourcePreEvent)!;
    assert.equal(same.resourcePreEvent!.metadata.op, "same");
    assert.equal(same.resourcePreEvent!.metadata.urn, provider.urn);
  });

  it("a StackReference is read on every run, on the builtin unversioned pulumi provider", () => {
    for (const name of ["stackReferencePreview", "stackReferenceUpdate"] as const) {
      const read = recordedStream(name).find((e) => e.resourcePreEvent)!.resourcePreEvent!.metadata;
      assert.equal(read.op, "read");
      assert.equal(read.type, "pulumi:pulumi:StackReference");
      assert.match(read.provider, /::pulumi:providers:pulumi::default::/);
      assert.deepEqual(
        recordedStream(name).find((e) => e.summaryEvent)!.summaryEvent!.resourceChanges,
        {},
      );
    }
  });

  it("policies: advisory and mandatory violations are policyEvents, a remediation is a policyRemediationEvent", () => {
    const levels = (name: FixtureName) =>
      recordedStream(name).flatMap((e) =>
        e.policyEvent ? [e.policyEvent.enforcementLevel as string] : [],
      );
    assert.deepEqual(levels("policyAdvisory"), ["advisory", "advisory"]);
    assert.deepEqual(levels("policyMandatory"), ["mandatory"]);
    assert.deepEqual(levels("policyRemediation"), []);
    assert.equal(
      recordedStream("policyRemediation").filter((e) => e.policyRemediationEvent).length,
      2,
    );
    // Policies also run on the default provider.
    const urns = recordedStream("policyAdvisory").flatMap((e) =>
      e.policyEvent ? [e.policyEvent.resourceUrn] : [],
    );
    assert.ok(urns.includes("urn:pulumi:test::test::pulumi:providers:pkgA::default"));
  });
});

/** Steps of a realistic rollout of cluster b, with this program's URNs. */
const clusterBSteps: StepSpec[] = [
  { op: "same", urn: stackUrn("dev") },
  { op: "read", urn: urn("dev", "pulumi:pulumi:StackReference", "deployed-state") },
  { op: "same", urn: environmentUrn("dev"), parent: stackUrn("dev") },
  { op: "same", urn: a.cell, parent: parentOf(a.cell) },
  { op: "same", urn: a.eks, parent: parentOf(a.eks) },
  { op: "same", urn: a.eksCluster, parent: a.eks },
  { op: "same", urn: b.cell, parent: parentOf(b.cell) },
  { op: "update", urn: b.eks, parent: parentOf(b.eks) },
  { op: "update", urn: b.eksCluster, parent: b.eks },
  { op: "create-replacement", urn: b.launchTemplate, parent: parentOf(b.launchTemplate) },
  { op: "replace", urn: b.launchTemplate, parent: parentOf(b.launchTemplate) },
  { op: "update", urn: b.nodes, parent: parentOf(b.nodes) },
  { op: "same", urn: b.k8sProvider, parent: parentOf(b.k8sProvider) },
  {
    op: "same",
    urn: urn("dev", `${b.cell.split("::")[2]}$kubernetes:core/v1:Namespace`, "dev-b-ns"),
    parent: b.cell,
    provider: b.k8sProviderRef,
  },
  { op: "delete-replaced", urn: b.launchTemplate, parent: parentOf(b.launchTemplate) },
];

/** An event without what _realEvents replaces in its template (its identity), to compare. */
function withoutIdentity(event: RealEvent): unknown {
  const copy = structuredClone(event) as Record<string, Record<string, unknown>>;
  delete copy.sequence;
  delete copy.timestamp;
  for (const kind of STEP_KINDS) {
    const body = copy[kind];
    if (!body) continue;
    const m = body.metadata as Record<string, unknown>;
    for (const key of ["op", "urn", "type", "provider"]) delete m[key];
    for (const side of ["old", "new"]) {
      const state = m[side] as Record<string, unknown> | null;
      if (state)
        for (const key of ["type", "urn", "parent", "provider", "id", "custom"]) delete state[key];
    }
    if (kind === "resOpFailedEvent") delete body.steps;
  }
  if (copy.summaryEvent) {
    delete copy.summaryEvent.resourceChanges;
    delete copy.summaryEvent.maybeCorrupt;
  }
  if (copy.preludeEvent) delete copy.preludeEvent.config;
  if (copy.diagnosticEvent) {
    // --color never rewrites these; a failed step's error names the step and may be given.
    for (const key of ["urn", "message", "prefix", "color"]) delete copy.diagnosticEvent[key];
  }
  return copy;
}

describe("realistic streams built from recorded events", () => {
  for (const preview of [true, false]) {
    it(`keep every field of their recorded template but the identity fields (${preview ? "preview" : "update"})`, () => {
      const variants: { steps: StepSpec[]; internal?: object }[] = [
        { steps: clusterBSteps },
        {
          steps: [
            ...clusterBSteps.slice(0, 4),
            { op: "create", urn: a.coredns, parent: parentOf(a.coredns) },
            { op: "delete", urn: b.coredns, parent: parentOf(b.coredns) },
            { op: "refresh", urn: a.nodes, parent: parentOf(a.nodes) },
            { op: "update", urn: b.nodes, parent: parentOf(b.nodes), failed: true },
          ],
          internal: {
            defaultProviders: "update",
            removePendingReplace: [{ urn: a.launchTemplate, parent: a.cell }],
            refresh: [{ urn: a.cell, parent: parentOf(a.cell) }],
          },
        },
      ];
      let checked = 0;
      for (const { steps, internal } of variants) {
        for (const { event, template } of realisticStreamTraced(steps, {
          preview,
          stack: "dev",
          ...(internal ? { internal } : {}),
        })) {
          if (!template) continue;
          const recorded = recordedStream(template.file)[template.index];
          assert.deepEqual(
            withoutIdentity(event),
            withoutIdentity(recorded),
            `${JSON.stringify(event).slice(0, 160)} from ${template.file}#${template.index}`,
          );
          checked++;
        }
      }
      assert.ok(checked > 40, `${checked} events checked`);
    });
  }

  it("gives each step its identity: URN, type, parent and provider in old and new state", () => {
    const events = realisticStream(clusterBSteps, { preview: true, stack: "dev" });
    const pre = (u: string) =>
      events.find((e) => e.resourcePreEvent?.metadata.urn === u)!.resourcePreEvent!;
    const control = pre(b.eksCluster).metadata;
    assert.equal(control.type, "aws:eks/cluster:Cluster");
    assert.equal(control.new?.parent, b.eks);
    assert.equal(control.old?.parent, b.eks);
    assert.equal(control.provider.split("::").slice(0, -1).join("::"), awsProvider);
    assert.equal(control.new?.custom, true);
    const eks = pre(b.eks).metadata;
    assert.equal(eks.new?.parent, b.cell);
    assert.equal(eks.new?.custom, undefined, "eks:index:Cluster is a component");
    assert.equal(eks.provider.split("::").slice(0, -1).join("::"), eksProvider, "a remote one");
    const namespace = events.find((e) =>
      e.resourcePreEvent?.metadata.type.startsWith("kubernetes:"),
    )!.resourcePreEvent!.metadata;
    assert.equal(namespace.provider, b.k8sProviderRef);
    assert.equal(namespace.new?.provider, b.k8sProviderRef);
    assert.ok(events.every((e) => !e.resourcePreEvent || e.resourcePreEvent.planning === true));
    const stackRef = pre(urn("dev", "pulumi:pulumi:StackReference", "deployed-state")).metadata;
    assert.match(stackRef.provider, /::pulumi:providers:pulumi::default::/);
    assert.throws(
      () =>
        realisticStream(
          [{ op: "create", urn: urn("dev", "kubernetes:core/v1:Namespace", "stray") }],
          { preview: true, stack: "dev" },
        ),
      /disable the default kubernetes provider/,
    );
  });

  it("sends each default provider's step just before the first resource that uses it", () => {
    const events = realisticStream(clusterBSteps, { preview: false, stack: "dev" });
    const pres = events.flatMap((e) =>
      e.resourcePreEvent ? [e.resourcePreEvent.metadata.urn] : [],
    );
    assert.deepEqual(pres.slice(0, 3), [
      stackUrn("dev"),
      "urn:pulumi:dev::active-active::pulumi:providers:pulumi::default",
      urn("dev", "pulumi:pulumi:StackReference", "deployed-state"),
    ]);
    assert.equal(pres.indexOf(eksProvider), pres.indexOf(a.eks) - 1);
    assert.equal(pres.indexOf(awsProvider), pres.indexOf(a.eksCluster) - 1);
    assert.equal(pres.filter((u) => u === awsProvider).length, 1);
    const none = realisticStream(clusterBSteps, {
      preview: false,
      stack: "dev",
      internal: { defaultProviders: "none" },
    });
    assert.ok(!none.some((e) => e.resourcePreEvent?.metadata.urn.includes("::default")));
  });

  it("counts the summary as the engine does: finished, logical, not internal; a read that changes nothing is not counted", () => {
    const summary = (steps: StepSpec[], preview: boolean) =>
      realisticStream(steps, {
        preview,
        stack: "dev",
        internal: { defaultProviders: "update" },
      }).find((e) => e.summaryEvent)!.summaryEvent!;
    for (const preview of [true, false]) {
      const s = summary(clusterBSteps, preview);
      assert.deepEqual(s.resourceChanges, { same: 8, update: 3, replace: 1 });
      assert.equal(s.isPreview, preview);
      assert.equal(s.result, "succeeded");
    }
  });

  it("ends a failed update at the failed step: error, resOpFailedEvent, counts of finished steps, result failed", () => {
    const steps: StepSpec[] = clusterBSteps.map((s) =>
      s.urn === b.nodes
        ? { ...s, failed: true, message: "creating EKS Node Group: InvalidParameterException" }
        : s,
    );
    const events = realisticStream(steps, { preview: false, stack: "dev" });
    const kinds = events.map(kindOf);
    const at = events.findIndex((e) => e.resOpFailedEvent);
    assert.equal(kinds[at - 1], "diagnosticEvent");
    assert.equal(events[at - 1].diagnosticEvent!.urn, b.nodes);
    assert.match(events[at - 1].diagnosticEvent!.message, /InvalidParameterException/);
    assert.equal(events[at - 1].diagnosticEvent!.color, "never");
    assert.ok(!events.slice(at).some((e) => e.resourcePreEvent), "no step starts after it");
    const summary = events.find((e) => e.summaryEvent)!.summaryEvent!;
    assert.deepEqual(summary.resourceChanges, { same: 6, update: 2, replace: 1 });
    assert.equal(events[at].resOpFailedEvent!.steps, 9);
    assert.equal(summary.result, "failed");
    assert.equal(summary.isPreview, false);
    assert.deepEqual(kinds.slice(-4), [
      "resOutputsEvent",
      "diagnosticEvent",
      "summaryEvent",
      "cancelEvent",
    ]);

    const preview = realisticStream(steps, { preview: true, stack: "dev" });
    assert.ok(!preview.some((e) => e.resOpFailedEvent), "a preview sends no resOpFailedEvent");
    assert.equal(preview.find((e) => e.summaryEvent)!.summaryEvent!.result, "failed");
  });

  it("stepEvents gives one step's pre event and the event that ends it", () => {
    const { pre, post } = stepEvents(
      { op: "update", urn: b.nodes, parent: b.cell },
      { preview: false, stack: "dev" },
    );
    assert.equal(pre.resourcePreEvent!.metadata.urn, b.nodes);
    assert.equal(post!.resOutputsEvent!.metadata.op, "update");
    const component = stepEvents(
      { op: "update", urn: b.eks, parent: b.cell },
      { preview: false, stack: "dev" },
    );
    assert.equal(component.post, undefined, "a component's outputs come when it registers them");
  });

  it("previewJson: the steps `pulumi preview --json` shows, with old and new state, parent and provider", () => {
    const doc = previewJson(clusterBSteps, { stack: "dev" });
    assert.deepEqual(
      doc.steps!.map((s) => [s.op, s.urn.split("::").pop()]),
      [
        ["same", "active-active-dev"],
        ["read", "deployed-state"],
        ["update", "dev-b-eks"],
        ["update", "dev-b-eks-eksCluster"],
        ["replace", "dev-b-nodes"],
        ["update", "dev-b-nodes"],
      ],
    );
    const control = doc.steps!.find((s) => s.urn === b.eksCluster)!;
    assert.equal(control.newState?.parent, b.eks);
    assert.equal(control.oldState?.parent, b.eks);
    assert.equal(control.newState?.custom, true);
    assert.equal(control.provider?.split("::").slice(0, -1).join("::"), awsProvider);
    assert.deepEqual(doc.changeSummary, { same: 8, update: 3, replace: 1 });
    assert.equal(doc.config?.["aws:region"], "us-east-1");
    assert.equal(doc.duration, 1e9);
    assert.ok(!doc.steps!.some((s) => s.urn.includes("::pulumi:providers:")), "no internal step");
  });
});

/**
 * The Automation API reads engine events from a log file it tails when the CLI is 3.205 or
 * older, and from a gRPC stream the CLI connects to when it is newer: both are exercised.
 */
const TRANSPORTS = [
  { version: "3.205.0", transport: "event log file" },
  { version: "3.248.0", transport: "gRPC event stream" },
];

for (const { version, transport } of TRANSPORTS) {
  describe(`the Automation API adapter on real streams (pulumi ${version}, ${transport})`, () => {
    let fake: FakePulumi;
    let stack: AutomationStack;

    beforeEach(async () => {
      fake = await fakePulumi({ version });
      stack = await AutomationStack.open({
        environment: "dev",
        projectDir: fake.projectDir,
        pulumiCommand: fake.command,
      });
    });
    afterEach(() => fake.cleanup());

    it("a no-change preview of the fake CLI is a real one: the Stack's same step, isPreview, result", async () => {
      const seen: StackEvent[] = [];
      const result = await stack.preview({ onEvent: (e) => seen.push(e) });
      assert.deepEqual(
        seen.map((e) => e.kind),
        ["prelude", "resource-pre", "resource-done", "resource-done", "summary", "cancel"],
      );
      assert.deepEqual(result.changes, []);
      assert.deepEqual(result.counts, { same: 1 });
    });

    it("folds a realistic preview per resource: a remote component's child, a replacement, internal steps left as they are", async () => {
      fake.reply({
        match: ["preview"],
        events: realisticStream(clusterBSteps, { preview: true, stack: "dev" }),
      });
      const result = await stack.preview();
      assert.deepEqual(
        result.changes.map((c) => [c.urn, c.type, c.kind, c.ops]),
        [
          [b.eks, "eks:index:Cluster", "update", ["update"]],
          [b.eksCluster, "aws:eks/cluster:Cluster", "update", ["update"]],
          [
            b.launchTemplate,
            "aws:ec2/launchTemplate:LaunchTemplate",
            "replace",
            ["create-replacement", "replace", "delete-replaced"],
          ],
          [b.nodes, "aws:eks/nodeGroup:NodeGroup", "update", ["update"]],
        ],
      );
      assert.deepEqual(result.counts, { same: 8, update: 3, replace: 1 });
    });

    it("reads a recorded real preview (aws-ts-eks), renumbered as a CLI numbers its events", async () => {
      fake.reply({ match: ["preview"], events: unnumbered(recordedStream("eksPreview")) });
      const result = await stack.preview();
      assert.deepEqual(
        result.changes.map((c) => [c.urn.split("::").pop(), c.kind, c.ops]),
        [["cluster-nodes", "update", ["update", "update"]]],
      );
      assert.deepEqual(result.counts, { same: 57, update: 1 });
    });

    it("passes on policy violations from a recorded stream and ignores remediations and policy summaries", async () => {
      const events = [
        ...unnumbered(recordedStream("policyAdvisory")),
        ...unnumbered(recordedStream("policyRemediation")).filter((e) => e.policyRemediationEvent),
      ];
      // One stream: move the remediations before the summary.
      const summaryAt = events.findIndex((e) => e.summaryEvent);
      const ordered = [
        ...events.slice(0, summaryAt),
        ...events.slice(-2),
        ...events.slice(summaryAt, -2),
      ];
      fake.reply({ match: ["preview"], events: ordered });
      const seen: StackEvent[] = [];
      await stack.preview({ onEvent: (e) => seen.push(e) });
      const violations = seen.filter((e) => e.kind === "policy-violation");
      assert.deepEqual(
        violations.map((v) => [v.enforcementLevel, v.urn, v.message]),
        [
          [
            "advisory",
            "urn:pulumi:test::test::pulumi:providers:pkgA::default",
            "warning - could not run due to unknowns",
          ],
          [
            "advisory",
            "urn:pulumi:test::test::pkgA:m:typA::resA",
            "warning - could not run due to unknowns",
          ],
        ],
      );
    });

    it("reads a failed update: the provider's error in the thrown error, a summary that counts fewer steps than ran", async () => {
      const steps = clusterBSteps.map((s) =>
        s.urn === b.nodes
          ? {
              ...s,
              failed: true,
              message: "creating EKS Node Group (dev-b-nodes): InvalidParameterException",
            }
          : s,
      );
      fake.reply({
        match: ["up"],
        exitCode: 255,
        stderr: "error: update failed\n",
        events: realisticStream(steps, { preview: false, stack: "dev" }),
      });
      const seen: StackEvent[] = [];
      await assert.rejects(stack.up({ onEvent: (e) => seen.push(e) }), (err: unknown) => {
        assert.ok(err instanceof StackCommandError);
        assert.match(err.message, /InvalidParameterException/);
        return true;
      });
      const failed = seen.filter((e) => e.kind === "resource-failed");
      assert.deepEqual(
        failed.map((e) => "urn" in e && e.urn),
        [b.nodes],
      );
      const summary = seen.find((e) => e.kind === "summary");
      assert.ok(summary && summary.kind === "summary");
      const counted = Object.values(summary.counts).reduce((n, c) => n + (c ?? 0), 0);
      const started = seen.filter((e) => e.kind === "resource-pre").length;
      assert.ok(counted < started, `${counted} counted, ${started} started`);
      assert.deepEqual(summary.counts, { same: 6, update: 2, replace: 1 });
      assert.equal(summary.maybeCorrupt, true);
      assert.equal(seen.at(-1)?.kind, "cancel");
    });

    it("reads a recorded real failed update, whose last running step finishes after the failure", async () => {
      fake.reply({
        match: ["up"],
        exitCode: 255,
        stderr: "error: update failed\n",
        events: unnumbered(recordedStream("failedUpdate")),
        outputs: stackOutputsFixture("dev"),
      });
      const seen: StackEvent[] = [];
      await assert.rejects(stack.up({ onEvent: (e) => seen.push(e) }), StackCommandError);
      assert.deepEqual(
        seen.map((e) => ("op" in e ? `${e.kind} ${e.op}` : e.kind)),
        [
          "prelude",
          "resource-pre same",
          "resource-pre update",
          "resource-pre delete-replaced",
          "resource-failed update",
          "resource-done delete-replaced",
          "resource-done same",
          "summary",
          "cancel",
        ],
      );
    });

    // Since CLI v3.131 the event log carries the engine's internal steps (pulumi/pulumi#17101),
    // and nothing in the JSON marks them. After `npm update @pulumi/aws` every preview creates the
    // new default provider (`pulumi:providers:aws::default_<new version>`) and deletes the old
    // one; after an interrupted delete-before-replace the engine sends `remove-pending-replace`.
    // The engine itself does not count these (its summary is `{ same: ... }` only), and neither
    // do we: they change no resource in the cloud.
    it("reports no resource change for a preview whose only changes are the engine's internal steps", async () => {
      const oldProvider = defaultProviderUrn("dev", "aws", "7.0.0");
      fake.reply({
        match: ["preview"],
        events: realisticStream(
          [
            ...clusterBSteps.filter((s) => s.op === "same" || s.op === "read"),
            { op: "delete", urn: oldProvider, parent: "", provider: "" },
          ],
          {
            preview: true,
            stack: "dev",
            internal: {
              defaultProviders: "create",
              removePendingReplace: [{ urn: b.launchTemplate, parent: b.cell }],
            },
          },
        ),
      });
      const result = await stack.preview();
      assert.deepEqual(result.counts, { same: 8 });
      assert.deepEqual(result.changes, []);
    });
  });
}

describe("the blast-radius guard on real streams", () => {
  // Pulumi's mocks stand in for the remote eks:index:Cluster component and register none of its
  // children, so the program's offline graph never has them. A real preview of cluster b's
  // upgrade names them (the EKS control plane
  // `...$eks:index:Cluster$aws:eks/cluster:Cluster::dev-b-eks-eksCluster`, with parent
  // `dev-b-eks` in its state, see the eksPreview recording): the guard ties them to b by that
  // parent (automation/blastRadius/steps.ts).
  it("finds the cluster of a remote component's child, as a real preview names it", async () => {
    const loaded = loadEnvironment("dev", undefined);
    const first = await runOffline({
      project: loaded.project.name,
      stack: "dev",
      config: loaded.file.config,
      program: main,
    });
    const directive: Directive = {
      advance: { cluster: "b", settings: loaded.desired[1].settings },
      drained: ["b"],
      record: null,
    };
    const deployed = first.outputs as unknown as DeployedState;
    const graph = await new ProgramBlastRadius(loaded, () => deployed).graph(directive);
    assert.equal(graph.ownerOf(b.eks), "b");
    assert.equal(graph.ownerOf(b.eksCluster), undefined, "not in the offline graph");
    const report = mapSteps(
      [{ op: "update", urn: b.eksCluster, type: "aws:eks/cluster:Cluster", parent: b.eks }],
      graph,
    );
    assert.deepEqual(report.clusters, ["b"]);
  });
});
