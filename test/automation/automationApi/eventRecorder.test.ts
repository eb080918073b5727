import * as assert from "node:assert/strict";
import { EventRecorder } from "../../../automation/automationApi/_eventRecorder";
import type { StackEvent } from "../../../automation/automationApi/events";
import { clusterUrns, engineEvents } from "./_stackFixtures";

/** Feeds numbered events (as the CLI numbers them) to a recorder, leaving out `lose`. */
function feed(recorder: EventRecorder, events: object[], lose: number[] = []): void {
  events.forEach((event, sequence) => {
    if (!lose.includes(sequence)) {
      recorder.receive({ sequence, timestamp: 0, ...event });
    }
  });
}

describe("event recorder", () => {
  const b = clusterUrns("dev", "b");
  const events = engineEvents([
    ["same", b.eks],
    ["update", b.nodes],
  ]);

  it("passes every narrow event on and finds the stream complete", () => {
    const seen: StackEvent[] = [];
    const recorder = new EventRecorder(
      (e) => seen.push(e),
      (t) => t,
    );
    feed(recorder, events);
    // As a real CLI sends a preview: the Stack's step, each default provider's (internal) step
    // before its first resource, every step done, components' outputs near the end.
    assert.deepEqual(
      seen.map((e) => ("op" in e ? `${e.kind} ${e.op} ${e.type}` : e.kind)),
      [
        "prelude",
        "resource-pre same pulumi:pulumi:Stack",
        "resource-done same pulumi:pulumi:Stack",
        "resource-pre same pulumi:providers:eks",
        "resource-done same pulumi:providers:eks",
        "resource-pre same eks:index:Cluster",
        "resource-done same eks:index:Cluster",
        "resource-pre same pulumi:providers:aws",
        "resource-done same pulumi:providers:aws",
        "resource-pre update aws:eks/nodeGroup:NodeGroup",
        "resource-done update aws:eks/nodeGroup:NodeGroup",
        "resource-done same eks:index:Cluster",
        "resource-done same pulumi:pulumi:Stack",
        "summary",
        "cancel",
      ],
    );
    assert.equal(recorder.incompleteness(), undefined);
    // The engine's own count: the Stack and b.eks are `same`; default providers are not counted.
    assert.deepEqual(recorder.counts(), { same: 2, update: 1 });
  });

  it("finds a lost event from the gap in sequence numbers", () => {
    const recorder = new EventRecorder(undefined, (t) => t);
    feed(recorder, events, [2]);
    assert.match(recorder.incompleteness() ?? "", /event\(s\) 2 never arrived/);
  });

  it("finds lost first events", () => {
    const recorder = new EventRecorder(undefined, (t) => t);
    feed(recorder, events, [0]);
    assert.match(recorder.incompleteness() ?? "", /event\(s\) 0 never arrived/);
  });

  it("finds a stream that ended before the summary", () => {
    const recorder = new EventRecorder(undefined, (t) => t);
    feed(recorder, events.slice(0, 3));
    assert.match(recorder.incompleteness() ?? "", /summary event never arrived/);
  });

  it("keeps recording when the listener throws, and remembers its first error", () => {
    const recorder = new EventRecorder(
      () => {
        throw new Error("listener bug");
      },
      (t) => t,
    );
    feed(recorder, events);
    assert.equal(recorder.events.length, events.length);
    assert.equal((recorder.listenerError as Error).message, "listener bug");
    assert.throws(() => recorder.throwListenerError(), /listener bug/);
  });

  it("rethrows nothing when the listener never threw", () => {
    const recorder = new EventRecorder(
      () => undefined,
      (t) => t,
    );
    feed(recorder, events);
    assert.equal(recorder.listenerError, undefined);
    assert.doesNotThrow(() => recorder.throwListenerError());
  });
});
