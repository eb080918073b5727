import * as assert from "node:assert/strict";
import { LOCK_TAG } from "../../../automation/automationApi/_lockRecord";
import { AutomationStack } from "../../../automation/automationApi/automationStack";
import {
  RolloutLockNotKeptError,
  RolloutLockedError,
} from "../../../automation/automationApi/lock";
import type { LockIdentity, TagRolloutLock } from "../../../automation/automationApi/tagLock";
import { fakePulumi, type FakePulumi } from "./_fakePulumiHarness";

const T0 = new Date("2026-11-25T17:51:23.000Z");

describe("rollout lock in the stack's tags, through the Automation API (scripted pulumi)", () => {
  let fake: FakePulumi;

  /** A rollout on its own machine: its own workspace, identity and clock. */
  async function rollout(identity: LockIdentity, now = T0): Promise<TagRolloutLock> {
    const stack = await AutomationStack.open({
      environment: "dev",
      projectDir: fake.projectDir,
      pulumiCommand: fake.command,
    });
    return stack.rolloutLock({
      identity,
      now: () => now,
      newId: () => `${identity.user}-lease`,
    });
  }

  beforeEach(async () => {
    fake = await fakePulumi();
  });
  afterEach(() => fake.cleanup());

  it("is taken with `pulumi stack tag set` and kept by the backend", async () => {
    const lock = await rollout({ user: "alice", host: "laptop-1", pid: 4121 });
    const lease = await lock.acquire();
    await lock.verify(lease);
    const [set] = fake.callsOf("stack", "tag", "set");
    assert.deepEqual(set.argv.slice(0, 4), ["stack", "tag", "set", LOCK_TAG]);
    assert.deepEqual(set.argv.slice(5), ["--stack", "dev", "--non-interactive"]);
    assert.deepEqual(JSON.parse(fake.state().tags.dev[LOCK_TAG]), {
      v: 1,
      id: "alice-lease",
      by: "alice@laptop-1",
      pid: 4121,
      since: "2026-11-25T17:51:23.000Z",
    });
    assert.deepEqual(fake.callsOf("stack", "tag", "ls")[0].argv, [
      "stack",
      "tag",
      "ls",
      "--json",
      "--stack",
      "dev",
      "--non-interactive",
    ]);
  });

  it("refuses a second rollout from another machine, with who holds it and since when", async () => {
    await (await rollout({ user: "alice", host: "laptop-1", pid: 4121 })).acquire();
    const ci = await rollout(
      { user: "ci", host: "runner-3", pid: 88 },
      new Date("2026-11-25T18:51:23.000Z"),
    );
    await assert.rejects(ci.acquire(), (err: unknown) => {
      assert.ok(err instanceof RolloutLockedError);
      assert.match(
        err.message,
        /"dev" is being rolled out by alice@laptop-1 \(pid 4121\) since 2026-11-25T17:51:23Z \(60 minutes ago\)/,
      );
      return true;
    });
    assert.equal(
      fake.callsOf("stack", "tag", "set").length,
      1,
      "the refused rollout wrote nothing",
    );
  });

  it("is released with `pulumi stack tag rm`, leaving the stack's other tags", async () => {
    fake.setTags("dev", { team: "platform" });
    const lock = await rollout({ user: "alice", host: "laptop-1", pid: 4121 });
    const lease = await lock.acquire();
    await lock.release(lease);
    assert.deepEqual(fake.callsOf("stack", "tag", "rm")[0].argv, [
      "stack",
      "tag",
      "rm",
      LOCK_TAG,
      "--stack",
      "dev",
      "--non-interactive",
    ]);
    assert.deepEqual(fake.state().tags.dev, { team: "platform" });
    await (await rollout({ user: "ci", host: "runner-3", pid: 88 })).acquire();
  });

  it("can be forced open by an operator, who is told whose lock it was", async () => {
    await (await rollout({ user: "alice", host: "laptop-1", pid: 4121 })).acquire();
    const operator = await rollout({ user: "oncall", host: "ops-1", pid: 1 });
    assert.equal((await operator.forceUnlock())?.by, "alice@laptop-1");
    assert.equal(await operator.inspect(), undefined);
  });

  it("refuses to run on a backend that silently drops stack tags", async () => {
    // Before Pulumi CLI 3.211, `stack tag set` on a DIY backend succeeded and stored nothing.
    fake.reply({ match: ["stack", "tag", "set"], repeat: true });
    const lock = await rollout({ user: "alice", host: "laptop-1", pid: 4121 });
    await assert.rejects(lock.acquire(), RolloutLockNotKeptError);
  });
});
