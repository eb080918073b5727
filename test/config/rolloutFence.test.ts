import * as assert from "node:assert/strict";
import { FENCE_MARKER, FenceRefusal, fenceAfter } from "../../config/rolloutFence";
import { RolloutRefusal, type Fence, type FenceClaim } from "../../config/rolloutState";

const alice: Fence = { id: "lease-a", by: "alice@laptop-1", since: "2026-12-03T08:00:00.000Z" };
const claimOf = (id: string, by: string, replaces: string | null): FenceClaim => ({
  id,
  by,
  replaces,
});

describe("the rollout fence (config/rolloutFence.ts)", () => {
  it("is taken by the first claim on a stack that never had one", () => {
    assert.deepEqual(fenceAfter(undefined, claimOf("lease-a", "alice@laptop-1", null)), {
      id: "lease-a",
      by: "alice@laptop-1",
    });
    assert.deepEqual(fenceAfter(null, claimOf("lease-a", "alice@laptop-1", null)), {
      id: "lease-a",
      by: "alice@laptop-1",
    });
  });

  it("is kept by the lease that holds it, update after update", () => {
    const claim = { ...alice, replaces: null };
    assert.deepEqual(fenceAfter(alice, claim), alice);
  });

  it("passes to a new lease that found the previous one when it took the lock", () => {
    const bob = claimOf("lease-b", "bob@ci-3", "lease-a");
    assert.deepEqual(fenceAfter(alice, bob), { id: "lease-b", by: "bob@ci-3" });
  });

  it("refuses a lease that found another fence (or none): another rollout updated first", () => {
    for (const replaces of [null, "lease-0"]) {
      const bob = claimOf("lease-b", "bob@ci-3", replaces);
      assert.throws(
        () => fenceAfter(alice, bob),
        (err: unknown) => {
          assert.ok(err instanceof FenceRefusal);
          assert.ok(err instanceof RolloutRefusal, "the program prints it without a stack trace");
          assert.ok(err.message.startsWith(FENCE_MARKER));
          assert.match(err.message, /alice@laptop-1 at 2026-12-03T08:00:00.000Z \(lease lease-a\)/);
          assert.match(err.message, /bob@ci-3 \(lease lease-b\)/);
          assert.match(err.message, /changed nothing/);
          return true;
        },
      );
    }
  });

  it("is left as it is by an update that claims nothing (plain pulumi up, an older aa)", () => {
    assert.deepEqual(fenceAfter(alice, undefined), alice);
    assert.equal(fenceAfter(undefined, undefined), null);
  });
});
