import * as assert from "node:assert/strict";
import {
  describeHolder,
  judgeHolder,
  parseLockRecord,
  type LockRecord,
} from "../../../automation/files/lockRecord";

const recordFixture = (more: Partial<LockRecord> = {}): LockRecord => ({
  pid: 4242,
  host: "build-7",
  user: "alice",
  since: "2026-11-25T10:00:00.000Z",
  id: "3f1c",
  ...more,
});

describe("lock records: what a lock file holds and what it means", () => {
  it("reads back the record a lock file holds", () => {
    const record = recordFixture();
    assert.deepEqual(parseLockRecord(JSON.stringify(record) + "\n"), record);
  });

  for (const [what, text] of [
    ["an empty file", ""],
    ["a cut record", '{"pid": 4242, "host": "bu'],
    ["JSON that is not an object", "42"],
    ["a pid that is not a whole number", JSON.stringify(recordFixture({ pid: 1.5 }))],
    ["a pid of 0", JSON.stringify(recordFixture({ pid: 0 }))],
    ["no host", JSON.stringify({ ...recordFixture(), host: undefined })],
    ["no id", JSON.stringify({ ...recordFixture(), id: "" })],
  ]) {
    it(`does not read ${what} as a record`, () => {
      assert.equal(parseLockRecord(text), undefined);
    });
  }

  it("names the holder as user@host, pid and since", () => {
    assert.equal(
      describeHolder(recordFixture()),
      "alice@build-7, pid 4242, since 2026-11-25T10:00:00.000Z",
    );
  });

  it("judges a holder on this host by its process: live while it runs, stale once it is gone", () => {
    const here = (running: boolean) => ({ host: "build-7", isRunning: () => running });
    assert.equal(judgeHolder(recordFixture(), here(true)), "live");
    assert.equal(judgeHolder(recordFixture(), here(false)), "stale");
  });

  it("never judges a holder on another host stale: its pid means nothing here", () => {
    assert.equal(
      judgeHolder(recordFixture({ host: "build-8" }), { host: "build-7", isRunning: () => false }),
      "foreign",
    );
  });
});
