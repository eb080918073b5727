import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { runOffline } from "../../../automation/offline/evaluate";
import type { ProgramLog } from "../../../automation/offline/programLog";

/** Runs a program as `stack` with `config`; what it saw, what it registered and what it logged. */
async function run(stack: string, config: Record<string, unknown>) {
  const logs: ProgramLog[] = [];
  let seen: Record<string, unknown> = {};
  const result = await runOffline({
    project: "acme",
    stack,
    config,
    program: async () => {
      const bucket = new aws.s3.Bucket("b", {});
      await new Promise((resolve) => bucket.id.apply(resolve));
      void pulumi.log.warn(`from ${stack}`);
      seen = {
        stack: pulumi.getStack(),
        greeting: new pulumi.Config("acme").get("greeting"),
      };
      return {};
    },
    onLog: (log) => logs.push(log),
  });
  return { seen, result, logs };
}

describe("offline runs one after another in one process", () => {
  it("each sees its own stack, config, registrations and log engine, none of the one before", async () => {
    const first = await run("one", { "acme:greeting": "hello" });
    const second = await run("two", {});
    assert.deepEqual(first.seen, { stack: "one", greeting: "hello" });
    assert.deepEqual(second.seen, { stack: "two", greeting: undefined });
    for (const [r, stack] of [
      [first, "one"],
      [second, "two"],
    ] as const) {
      assert.equal(r.result.error, undefined);
      assert.deepEqual(
        r.result.resources.map((n) => n.urn),
        [
          `urn:pulumi:${stack}::acme::pulumi:pulumi:Stack::acme-${stack}`,
          `urn:pulumi:${stack}::acme::aws:s3/bucket:Bucket::b`,
        ],
      );
      assert.deepEqual(
        r.logs.map((l) => l.message),
        [`from ${stack}`],
      );
    }
  });
});
