import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LockFileHeldError } from "../../../automation/files/lockFile";
import type { RolloutStackState } from "../../../automation/rollout/ports";
import {
  isSimStateFailure,
  openSimState,
  SimStateError,
} from "../../../automation/rollout/simulate/simStateFile";
import { createSimulation } from "../../../automation/rollout/simulate/simulation";
import type { Directive } from "../../../config/rolloutState";
import { ExitCode } from "../../../errors/aaError";
import { simulatedEnvironment } from "./_simulation";

const owner = { user: "test" };

describe("the --sim-state file: read, written whole after every update, held by one rehearsal", () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-simfile-"));
    file = path.join(dir, "gameday.json");
  });

  it("reads nothing from a new file, then what was written, and leaves only the file", async () => {
    const state = openSimState(file, owner);
    assert.equal(state.read(), undefined);
    const { stack } = createSimulation(await simulatedEnvironment());
    const written = await stack.readState();
    state.write(written);
    const read = state.read();
    assert.deepEqual({ clusters: read?.clusters, rollout: read?.rollout ?? null }, written);
    state.close();
    assert.deepEqual(fs.readdirSync(dir), ["gameday.json"]);
  });

  it("refuses a second rehearsal on the same file (exit 5) until the first closes it", () => {
    const first = openSimState(file, owner);
    assert.throws(
      () => openSimState(file, owner),
      (err: unknown) =>
        err instanceof LockFileHeldError &&
        err.exit === ExitCode.Refused &&
        err.message.includes(`--sim-state ${file} is in use by another rehearsal: test@`),
    );
    first.close();
    openSimState(file, owner).close();
  });

  it("stops a rehearsal whose lock was removed, without writing the file", () => {
    const state = openSimState(file, owner);
    fs.writeFileSync(file, "{}\n");
    fs.rmSync(`${file}.lock`);
    let thrown: unknown;
    try {
      state.write({ clusters: [], rollout: null });
    } catch (err) {
      thrown = err;
    }
    assert.ok(thrown instanceof LockFileHeldError && isSimStateFailure(thrown), String(thrown));
    assert.equal(fs.readFileSync(file, "utf8"), "{}\n");
    state.close();
  });

  it("says the file was not written, and that it holds the state before, when a write fails", () => {
    const state = openSimState(file, owner);
    fs.mkdirSync(file);
    fs.writeFileSync(path.join(file, "x"), ""); // a folder in the way
    let thrown: unknown;
    try {
      state.write({ clusters: [], rollout: null });
    } catch (err) {
      thrown = err;
    }
    assert.ok(thrown instanceof SimStateError && isSimStateFailure(thrown), String(thrown));
    assert.equal(thrown.exit, ExitCode.Usage);
    assert.match(
      thrown.message,
      /^cannot write --sim-state .*gameday\.json: .*; the rehearsal stopped, and the file still holds the state before this update/,
    );
    state.close();
  });

  it("removes the temporary files of rehearsals that were killed mid-write", () => {
    const dead = spawnSync(process.execPath, ["-e", ""]).pid;
    fs.writeFileSync(`${file}.${dead}.0badf00d.tmp`, "{");
    fs.writeFileSync(`${file}.lock.${dead}.0badf00d.tmp`, "{");
    openSimState(file, owner).close();
    assert.deepEqual(fs.readdirSync(dir), []);
  });

  it("refuses a file that is not a simulated environment, saying to remove it", () => {
    fs.writeFileSync(file, "not json");
    const state = openSimState(file, owner);
    assert.throws(
      () => state.read(),
      (err: unknown) =>
        err instanceof SimStateError &&
        /^--sim-state .*gameday\.json is not a simulated environment written by aa \(.*\); remove it to start afresh$/.test(
          err.message,
        ),
    );
    state.close();
  });
});

describe("the simulated stack records every update before it returns", () => {
  const drainA: Directive = { drained: ["a"], record: null };

  it("records the state after the update, before up() resolves", async () => {
    const recorded: RolloutStackState[] = [];
    const sim = createSimulation({
      ...(await simulatedEnvironment()),
      persist: (state) => recorded.push(structuredClone(state)),
    });
    const pending = sim.stack.up(drainA, "drain a");
    assert.equal(recorded.length, 1, "recorded before the caller hears back");
    await pending;
    assert.deepEqual(recorded, [await sim.stack.readState()]);
    assert.equal(recorded[0].clusters.find((c) => c.name === "a")?.weight, 0);
  });

  it("fails the update, changing nothing, when the state cannot be recorded", async () => {
    const sim = createSimulation({
      ...(await simulatedEnvironment()),
      persist: () => {
        throw new SimStateError("cannot write --sim-state f: disk full");
      },
    });
    const before = await sim.stack.readState();
    await assert.rejects(sim.stack.up(drainA, "drain a"), /disk full/);
    assert.deepEqual(await sim.stack.readState(), before);
    assert.equal(sim.stack.updates.length, 0);
  });
});
