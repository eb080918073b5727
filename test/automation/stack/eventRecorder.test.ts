import * as assert from "node:assert/strict";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { EventRecorder } from "../../../automation/stack/_eventRecorder";
import type { StackEvent } from "../../../automation/stack/events";
import { clusterUrns, engineEvents } from "./_stackFixtures";

/** Feeds numbered events (as the CLI numbers them) to a recorder, leaving out `lose`. */
function feed(recorder: EventRecorder, events: object[], lose: number[] = []): void {
  events.forEach((event, sequence) => {
    if (!lose.includes(sequence)) {
      recorder.receive({ sequence, timestamp: 0, ...event } as EngineEvent);
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
    assert.deepEqual(
      seen.map((e) => e.kind),
      ["prelude", "resource-pre", "resource-pre", "summary", "cancel"],
    );
    assert.equal(recorder.incompleteness(), undefined);
    assert.deepEqual(recorder.counts(), { same: 1, update: 1 });
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
    assert.equal(recorder.events.length, 5);
    assert.equal((recorder.listenerError as Error).message, "listener bug");
  });
});
