import * as assert from "node:assert/strict";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import {
  foldChanges,
  isChange,
  toStackEvent,
  type StackEvent,
} from "../../../automation/automationApi/events";
import { defaultProviderUrn, providerRef, recordedStream, sdkVersion } from "./_realEvents";
import { clusterUrns, parentOf, stepEvent, stackUrn } from "./_stackFixtures";

const noRedact = (text: string) => text;
const pre = (op: string, urn: string) =>
  toStackEvent(stepEvent(op, urn) as unknown as EngineEvent, noRedact) as StackEvent;

describe("engine events", () => {
  const a = clusterUrns("dev", "a");
  const b = clusterUrns("dev", "b");

  it("narrows a step to its URN, type, operation, parent and provider, and nothing else", () => {
    assert.deepEqual(pre("update", b.nodes), {
      kind: "resource-pre",
      urn: b.nodes,
      type: "aws:eks/nodeGroup:NodeGroup",
      op: "update",
      parent: parentOf(b.nodes),
      provider: providerRef(defaultProviderUrn("dev", "aws", sdkVersion("aws"))),
    });
  });

  it("takes parent and provider from the new state, else the old one", () => {
    const child = `${a.eks.replace("eks:index:Cluster::", "eks:index:Cluster$aws:eks/cluster:Cluster::")}-eksCluster`;
    const provider = "urn:pulumi:dev::active-active::pulumi:providers:aws::default_7_48_0::id-1";
    const event = (metadata: Record<string, unknown>) =>
      toStackEvent(
        { sequence: 1, timestamp: 0, resourcePreEvent: { metadata } } as unknown as EngineEvent,
        noRedact,
      );
    assert.deepEqual(
      event({
        op: "delete",
        urn: child,
        type: "aws:eks/cluster:Cluster",
        provider: "",
        old: { type: "aws:eks/cluster:Cluster", urn: child, parent: a.eks, provider },
      }),
      {
        kind: "resource-pre",
        urn: child,
        type: "aws:eks/cluster:Cluster",
        op: "delete",
        parent: a.eks,
        provider,
      },
    );
  });

  it("counts remove-pending-replace as no change: the engine only drops a state entry", () => {
    assert.equal(isChange("remove-pending-replace"), false);
  });

  it("folds a replacement's steps into one replace per resource", () => {
    const changes = foldChanges([
      pre("same", stackUrn("dev")),
      pre("create-replacement", b.launchTemplate),
      pre("replace", b.launchTemplate),
      pre("update", b.nodes),
      pre("delete-replaced", b.launchTemplate),
    ]);
    assert.deepEqual(
      changes.map((c) => [c.urn, c.kind, c.ops]),
      [
        [b.launchTemplate, "replace", ["create-replacement", "replace", "delete-replaced"]],
        [b.nodes, "update", ["update"]],
      ],
    );
  });

  it("leaves out resources whose steps change nothing (same, read, refresh)", () => {
    const changes = foldChanges([
      pre("same", a.eks),
      pre("read", a.nodes),
      pre("refresh", a.coredns),
    ]);
    assert.deepEqual(changes, []);
    assert.equal(isChange("same"), false);
    assert.equal(isChange("delete"), true);
  });

  it("keeps creates and deletes apart, in the order the engine named them", () => {
    const changes = foldChanges([pre("delete", a.coredns), pre("create", b.coredns)]);
    assert.deepEqual(
      changes.map((c) => [c.urn, c.kind]),
      [
        [a.coredns, "delete"],
        [b.coredns, "create"],
      ],
    );
  });

  it("redacts and uncolours diagnostics", () => {
    const event = toStackEvent(
      {
        sequence: 3,
        timestamp: 0,
        diagnosticEvent: {
          urn: b.eks,
          message: "\u001b[31mtoken: abc123\u001b[0m\n",
          color: "raw",
          severity: "error",
        },
      },
      (text) => text.replace("abc123", "[secret]"),
    );
    assert.deepEqual(event, {
      kind: "diagnostic",
      severity: "error",
      message: "token: [secret]",
      urn: b.eks,
    });
  });

  it("reads the engine's summary counts", () => {
    const event = toStackEvent(
      {
        sequence: 9,
        timestamp: 0,
        summaryEvent: {
          maybeCorrupt: false,
          durationSeconds: 12,
          resourceChanges: { same: 40, update: 2 },
          policyPacks: {},
        },
      },
      noRedact,
    );
    assert.deepEqual(event, {
      kind: "summary",
      counts: { same: 40, update: 2 },
      maybeCorrupt: false,
      durationSeconds: 12,
    });
  });

  it("reads isPreview and result from a recorded real summary of a failed update", () => {
    const summary = recordedStream("failedUpdateStep").find((e) => e.summaryEvent);
    assert.ok(summary);
    const event = toStackEvent(summary as unknown as EngineEvent, noRedact);
    assert.ok(event?.kind === "summary");
    assert.equal(event.isPreview, false);
    assert.equal(event.result, "failed");
  });
});
