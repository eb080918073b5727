import * as assert from "node:assert/strict";
import { AutomationStack } from "../../../automation/automationApi/automationStack";
import { RolloutLockedError } from "../../../automation/automationApi/lock";
import { TagRolloutLock } from "../../../automation/automationApi/tagLock";
import type { TagStore } from "../../../automation/automationApi/tagStore";
import { FencedRolloutLock } from "../../../automation/rollout/fencedLock";
import { LockTakenError } from "../../../automation/rollout/ports";
import { DirectedStack } from "../../../automation/rollout/production";
import { fakePulumi, type FakePulumi } from "../automationApi/_fakePulumiHarness";
import { stackOutputsFixture } from "../automationApi/_stackFixtures";

/** Two processes' worth of steps that must happen in this order, across two rollouts. */
class Choreography {
  private readonly waiting = new Map<string, () => void>();
  private readonly done = new Set<string>();

  reached(mark: string): void {
    this.done.add(mark);
    this.waiting.get(mark)?.();
  }

  after(mark: string): Promise<void> {
    if (this.done.has(mark)) return Promise.resolve();
    return new Promise((resolve) => this.waiting.set(mark, resolve));
  }
}

/**
 * The stack's tags, with the worst interleaving two rollouts started at the same moment can
 * have: both read the lock free before either writes, and each reads its own record back before
 * the other writes. Tags have no compare-and-swap, so both believe they hold the lock.
 */
function racingTags(tags: TagStore, me: string, other: string, steps: Choreography): TagStore {
  let lists = 0;
  return {
    where: tags.where,
    list: async () => {
      const read = await tags.list();
      lists++;
      steps.reached(`${me}:list${lists}`);
      return read;
    },
    set: async (name, value) => {
      await steps.after(`${other}:list1`);
      if (me === "bob") await steps.after("alice:list2");
      await tags.set(name, value);
    },
    remove: (name) => tags.remove(name),
  };
}

describe("the fenced rollout lock against a scripted pulumi (two rollouts at once)", () => {
  let fake: FakePulumi;

  beforeEach(async () => {
    fake = await fakePulumi();
    fake.setOutputs("dev", stackOutputsFixture("dev"));
  });
  afterEach(() => fake.cleanup());

  /** One `aa rollout` process: its own workspace, identity and lock. */
  async function rollout(user: string, tags?: (own: TagStore) => TagStore) {
    const stack = await AutomationStack.open({
      environment: "dev",
      projectDir: fake.projectDir,
      pulumiCommand: fake.command,
    });
    const tagLock = new TagRolloutLock({
      environment: "dev",
      tags: tags ? tags(stack.tags) : stack.tags,
      identity: { user, host: `${user}-host`, pid: 100 },
      newId: () => `lease-${user}`,
    });
    const lock = new FencedRolloutLock(tagLock, () => stack.outputs());
    const directed = new DirectedStack(stack, () => lock.claim());
    return { stack, lock, directed };
  }

  const drainA = { drained: ["a"], record: null };

  it("lets exactly one of two rollouts that both took the tag change the stack", async () => {
    const steps = new Choreography();
    const alice = await rollout("alice", (t) => racingTags(t, "alice", "bob", steps));
    const bob = await rollout("bob", (t) => racingTags(t, "bob", "alice", steps));

    const leases = await Promise.all([alice.lock.acquire(), bob.lock.acquire()]);
    assert.deepEqual(
      leases.map((l) => l.holder.id),
      ["lease-alice", "lease-bob"],
      "the tag alone let both in: the race this fence is for",
    );

    // Both start changing the environment at once; the backend runs one update at a time.
    const results = await Promise.allSettled([
      alice.directed.up(drainA, "alice: drain a"),
      bob.directed.up(drainA, "bob: drain a"),
    ]);
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    assert.equal(won.length, 1, "exactly one rollout changes the stack");
    assert.equal(lost.length, 1);
    assert.ok(lost[0].reason instanceof LockTakenError, String(lost[0].reason));

    const winner = results[0].status === "fulfilled" ? "alice" : "bob";
    const loser = winner === "alice" ? "bob" : "alice";
    const fence = fake.state().outputs.dev.rolloutLock?.value as { id: string; by: string };
    assert.equal(fence.id, `lease-${winner}`);
    assert.match(
      String(lost[0].reason),
      new RegExp(`taken by ${loser}@${loser}-host .*taken by ${winner}@${winner}-host`),
    );

    // The loser's every later preview and update is refused too; the winner goes on.
    const late = winner === "alice" ? bob : alice;
    await assert.rejects(late.directed.preview(drainA), LockTakenError);
    await assert.rejects(late.directed.up(drainA, "again"), LockTakenError);
    await (winner === "alice" ? alice : bob).directed.up(drainA, "winner goes on");

    // The loser gives its hold back: the tag goes to the winner, whose lock checks keep passing
    // whichever of the two wrote the tag last.
    const winning = winner === "alice" ? alice : bob;
    await late.lock.release(leases[winner === "alice" ? 1 : 0]);
    await winning.lock.verify(leases[winner === "alice" ? 0 : 1]);
    const ups = fake.callsOf("up");
    assert.equal(ups.length, 4, "both, the loser once more, the winner once more");
  });

  it("refuses the second rollout at the tag when they are a moment apart", async () => {
    const alice = await rollout("alice");
    const bob = await rollout("bob");
    await alice.lock.acquire();
    await assert.rejects(bob.lock.acquire(), RolloutLockedError);
    await alice.directed.up(drainA, "alice: drain a");
    assert.equal((fake.state().outputs.dev.rolloutLock?.value as { id: string }).id, "lease-alice");
  });

  it("passes the environment on: after a release, and after a forced unlock", async () => {
    const alice = await rollout("alice");
    const aliceLease = await alice.lock.acquire();
    await alice.directed.up(drainA, "alice: drain a");
    await alice.lock.release(aliceLease);

    const bob = await rollout("bob");
    await bob.lock.acquire();
    await bob.directed.up({ drained: [], record: null }, "bob: undrain");
    assert.equal((fake.state().outputs.dev.rolloutLock?.value as { id: string }).id, "lease-bob");
    // Bob's process dies holding the lock; an operator removes it, Carol takes over. Bob's
    // process, were it still running, could no longer change anything.
    const operator = await rollout("operator");
    await operator.stack.rolloutLock().forceUnlock();
    const carol = await rollout("carol");
    await carol.lock.acquire();
    await carol.directed.up(drainA, "carol: drain a");
    await assert.rejects(bob.directed.up(drainA, "bob is back"), LockTakenError);
    assert.equal((fake.state().outputs.dev.rolloutLock?.value as { id: string }).id, "lease-carol");
  });

  it("carries the claim in every directed preview and update, and nothing without the lock", async () => {
    const alice = await rollout("alice");
    await alice.directed.preview(drainA);
    const lease = await alice.lock.acquire();
    await alice.directed.preview(drainA);
    await alice.lock.release(lease);
    const directives = fake
      .callsOf("preview")
      .map((c) => JSON.parse(c.env.AA_ROLLOUT_DIRECTIVE) as { lock?: unknown });
    assert.equal(directives[0].lock, undefined);
    assert.deepEqual(directives[1].lock, {
      id: "lease-alice",
      by: "alice@alice-host",
      pid: 100,
      since: (directives[1].lock as { since: string }).since,
      replaces: null,
    });
  });
});
