import * as assert from "node:assert/strict";
import {
  decodeHolder,
  describeHolder,
  encodeHolder,
} from "../../../automation/automationApi/_lockRecord";
import type { LockHolder } from "../../../automation/automationApi/lock";

const holder = (overrides: Partial<LockHolder> = {}): LockHolder => ({
  id: "3f2c1a9e-0000-4000-8000-000000000001",
  by: "alice@build-7",
  pid: 4121,
  since: new Date("2026-11-25T17:51:23.000Z"),
  ...overrides,
});

describe("lock record", () => {
  it("round-trips a holder through the tag value", () => {
    assert.deepEqual(decodeHolder(encodeHolder(holder())), holder());
  });

  it("shortens a long user@host so the value fits a stack tag (256 bytes)", () => {
    const long = holder({ by: `ci@${"runner-".repeat(60)}.example.com` });
    const value = encodeHolder(long);
    assert.ok(Buffer.byteLength(value) <= 256, `${Buffer.byteLength(value)} bytes`);
    const back = decodeHolder(value);
    assert.match(back.by, /^ci@runner-runner-.*\.\.\.$/);
    assert.equal(back.id, long.id);
  });

  it("reports a value that is not a lock record as an unknown holder, with the value", () => {
    const back = decodeHolder("someone typed this");
    assert.equal(back.unreadable, "someone typed this");
    assert.match(describeHolder(back, new Date()), /unknown holder .*"someone typed this"/);
  });

  it("describes who and since when, with the age", () => {
    assert.equal(
      describeHolder(holder(), new Date("2026-11-25T18:03:23.000Z")),
      "alice@build-7 (pid 4121) since 2026-11-25T17:51:23Z (12 minutes ago)",
    );
  });
});
