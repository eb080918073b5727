import * as assert from "node:assert/strict";
import { LOCK_TAG, encodeHolder } from "../../../automation/automationApi/_lockRecord";
import {
  RolloutLockLostError,
  RolloutLockNotKeptError,
  RolloutLockedError,
} from "../../../automation/automationApi/lock";
import { TagRolloutLock, type TagRolloutLockArgs } from "../../../automation/automationApi/tagLock";
import { MemoryTagStore, type TagStore } from "../../../automation/automationApi/tagStore";

const T0 = new Date("2026-11-25T17:51:23.000Z");

/** A lock on `tags` as taken by `user@host` (pid), at a clock the test sets. */
function lockFixture(
  tags: TagStore,
  overrides: Partial<TagRolloutLockArgs> & { user?: string; host?: string; pid?: number } = {},
) {
  let now = overrides.now?.() ?? T0;
  let ids = 0;
  const { user = "alice", host = "laptop-1", pid = 4121, ...rest } = overrides;
  const lock = new TagRolloutLock({
    environment: "prod",
    tags,
    identity: { user, host, pid },
    now: () => now,
    newId: () => `${user}-${++ids}`,
    processAlive: () => true,
    ...rest,
  });
  return { lock, setNow: (d: Date) => (now = d) };
}

describe("rollout lock on stack tags", () => {
  it("is free, then held by whoever acquired it", async () => {
    const { lock } = lockFixture(new MemoryTagStore());
    assert.equal(await lock.inspect(), undefined);
    const lease = await lock.acquire();
    assert.deepEqual(await lock.inspect(), {
      id: "alice-1",
      by: "alice@laptop-1",
      pid: 4121,
      since: T0,
    });
    await lock.verify(lease);
  });

  it("refuses a second rollout, naming the holder and since when", async () => {
    const tags = new MemoryTagStore('stack "prod"');
    await lockFixture(tags).lock.acquire();
    const bob = lockFixture(tags, { user: "bob", host: "ci-runner-3", pid: 77 });
    bob.setNow(new Date("2026-11-25T18:03:23.000Z"));
    await assert.rejects(bob.lock.acquire(), (err: unknown) => {
      assert.ok(err instanceof RolloutLockedError);
      assert.equal(err.holder.by, "alice@laptop-1");
      assert.match(
        err.message,
        /environment "prod" is being rolled out by alice@laptop-1 \(pid 4121\) since 2026-11-25T17:51:23Z \(12 minutes ago\)/,
      );
      assert.match(err.message, /`aa rollout prod --force-unlock`/);
      assert.doesNotMatch(err.message, /looks dead/);
      return true;
    });
  });

  it("refuses the same user on the same host too: one rollout per environment", async () => {
    const tags = new MemoryTagStore();
    await lockFixture(tags).lock.acquire();
    await assert.rejects(lockFixture(tags, { pid: 5000 }).lock.acquire(), RolloutLockedError);
  });

  it("hints that a lock is stale when its process is gone from this host, and keeps it", async () => {
    const tags = new MemoryTagStore();
    await lockFixture(tags).lock.acquire();
    const again = lockFixture(tags, { pid: 5000, processAlive: (pid) => pid !== 4121 });
    await assert.rejects(again.lock.acquire(), /Process 4121 is no longer running on this host/);
    assert.equal((await again.lock.inspect())?.by, "alice@laptop-1");
  });

  it("is free again after release, and a second release is harmless", async () => {
    const tags = new MemoryTagStore();
    const { lock } = lockFixture(tags);
    const lease = await lock.acquire();
    await lock.release(lease);
    assert.equal(await lock.inspect(), undefined);
    await lock.release(lease);
    await lockFixture(tags, { user: "bob" }).lock.acquire();
  });

  it("forced unlock removes a dead rollout's lock and says whose it was", async () => {
    const tags = new MemoryTagStore();
    await lockFixture(tags).lock.acquire();
    const operator = lockFixture(tags, { user: "oncall", host: "ops-1" });
    const removed = await operator.lock.forceUnlock();
    assert.equal(removed?.by, "alice@laptop-1");
    assert.equal(await operator.lock.inspect(), undefined);
    assert.equal(await operator.lock.forceUnlock(), undefined);
  });

  it("tells the old holder it lost the lock, and its release leaves the new holder's alone", async () => {
    const tags = new MemoryTagStore();
    const alice = lockFixture(tags).lock;
    const lease = await alice.acquire();
    const bob = lockFixture(tags, { user: "bob", host: "ops-1" }).lock;
    await bob.forceUnlock();
    await assert.rejects(alice.verify(lease), (err: unknown) => {
      assert.ok(err instanceof RolloutLockLostError);
      assert.match(err.message, /was removed, probably with a forced unlock/);
      return true;
    });
    await bob.acquire();
    await assert.rejects(alice.verify(lease), /now held by bob@ops-1/);
    await assert.rejects(alice.release(lease), RolloutLockLostError);
    assert.equal((await bob.inspect())?.by, "bob@ops-1");
  });

  describe('two rollouts that both read "free" before either wrote', () => {
    // Tags have no compare-and-swap: bob read "free", then wrote after alice did.
    const bobsRecord = encodeHolder({ id: "bob-1", by: "bob@ci-2", pid: 9, since: T0 });

    it("refuses the earlier writer when the later write lands before its read-back", async () => {
      const tags = new MemoryTagStore();
      const racing: TagStore = {
        ...wrap(tags),
        set: async (name, value) => {
          await tags.set(name, value);
          await tags.set(LOCK_TAG, bobsRecord);
        },
      };
      await assert.rejects(lockFixture(racing).lock.acquire(), /being rolled out by bob@ci-2/);
    });

    it("stops the earlier writer at its next verify when the later write lands after", async () => {
      const tags = new MemoryTagStore();
      const { lock } = lockFixture(tags);
      const lease = await lock.acquire();
      await tags.set(LOCK_TAG, bobsRecord);
      await assert.rejects(lock.verify(lease), /now held by bob@ci-2/);
    });
  });

  it("refuses to work on a backend that does not keep tags", async () => {
    const forgetful: TagStore = {
      where: 'stack "prod"',
      list: () => Promise.resolve({}),
      set: async () => {},
      remove: async () => {},
    };
    await assert.rejects(lockFixture(forgetful).lock.acquire(), (err: unknown) => {
      assert.ok(err instanceof RolloutLockNotKeptError);
      assert.match(err.message, /Pulumi CLI 3\.211 or newer/);
      return true;
    });
  });

  it("says so when the backend does not remove the tag on release", async () => {
    const tags = new MemoryTagStore();
    const sticky: TagStore = { ...wrap(tags), remove: async () => {} };
    const { lock } = lockFixture(sticky);
    const lease = await lock.acquire();
    await assert.rejects(lock.release(lease), /could not be released: .*still has the tag/);
  });

  it("reports a hand-edited lock tag as held by an unknown holder, removable by force", async () => {
    const tags = new MemoryTagStore("prod", { [LOCK_TAG]: "ask alice" });
    const { lock } = lockFixture(tags);
    await assert.rejects(lock.acquire(), /unknown holder .*"ask alice"/);
    assert.equal((await lock.forceUnlock())?.unreadable, "ask alice");
    await lock.acquire();
  });
});

function wrap(tags: TagStore): TagStore {
  return {
    where: tags.where,
    list: () => tags.list(),
    set: (n, v) => tags.set(n, v),
    remove: (n) => tags.remove(n),
  };
}
