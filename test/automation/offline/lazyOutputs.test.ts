import * as assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { withLazyOutputs } from "../../../automation/offline/_lazyOutputs";
import { runOffline } from "../../../automation/offline/evaluate";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc = require("@pulumi/pulumi/runtime/rpc") as {
  transferProperties: (
    onto: object,
    label: string,
    props: Record<string, unknown>,
  ) => Record<string, Resolver>;
};
type Resolver = (
  value: unknown,
  isKnown: boolean,
  isSecret: boolean,
  deps?: object[],
  err?: Error,
) => void;

/** What a program can tell of an output: value, known, secret, the resources it depends on. */
interface Seen {
  value?: unknown;
  known?: boolean;
  secret?: boolean;
  resources?: number;
  error?: string;
}

async function seen(output: unknown): Promise<Seen> {
  const o = output as {
    promise: () => Promise<unknown>;
    isKnown: Promise<boolean>;
    isSecret: Promise<boolean>;
    allResources: () => Promise<Set<unknown>>;
  };
  try {
    return {
      value: await o.promise(),
      known: await o.isKnown,
      secret: await o.isSecret,
      resources: (await o.allResources()).size,
    };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

/**
 * A resource's properties made by `transferProperties`, read before or after they are resolved
 * with `resolve`: what a program sees.
 */
async function transferred(
  when: "before" | "after",
  resolve: (resolvers: Record<string, Resolver>, dep: object) => void,
): Promise<Record<string, Seen>> {
  const onto: Record<string, unknown> = {};
  const dep = {};
  const resolvers = rpc.transferProperties(onto, "test", { arn: undefined, tags: undefined });
  const read: Record<string, unknown> = {};
  if (when === "before") for (const k of ["arn", "tags"]) read[k] = onto[k];
  resolve(resolvers, dep);
  if (when === "after") for (const k of ["arn", "tags"]) read[k] = onto[k];
  return { arn: await seen(read.arn), tags: await seen(read.tags) };
}

const cases: Record<string, (r: Record<string, Resolver>, dep: object) => void> = {
  "values, one secret, one with a dependency": (r, dep) => {
    r.arn("arn:aws:x", true, false, [dep]);
    r.tags({ Name: "a" }, true, true);
  },
  "a value not known in a preview": (r) => {
    r.arn(undefined, false, false);
    r.tags(undefined, true, false);
  },
  "a failed registration": (r) => {
    r.arn(undefined, true, false, [], new Error("registration failed"));
    r.tags(undefined, true, false, [], new Error("registration failed"));
  },
};

describe("withLazyOutputs", () => {
  for (const [name, resolve] of Object.entries(cases)) {
    for (const when of ["before", "after"] as const) {
      it(`gives what the SDK's outputs give, read ${when} they settle: ${name}`, async () => {
        const eager = await transferred(when, resolve);
        const lazy = await withLazyOutputs(() => transferred(when, resolve));
        assert.deepEqual(lazy, eager);
      });
    }
  }

  it("makes an output only when it is read, then keeps it, and lets the program assign one", async () => {
    await withLazyOutputs(async () => {
      const onto: Record<string, unknown> = {};
      const resolvers = rpc.transferProperties(onto, "test", { arn: undefined, tags: undefined });
      assert.deepEqual(Object.keys(onto), ["arn", "tags"]);
      assert.equal(typeof Object.getOwnPropertyDescriptor(onto, "arn")?.get, "function");
      const arn = onto.arn;
      assert.ok(pulumi.Output.isInstance(arn));
      assert.equal(onto.arn, arn);
      assert.equal(Object.getOwnPropertyDescriptor(onto, "arn")?.value, arn);
      onto.tags = "replaced";
      assert.equal(onto.tags, "replaced");
      resolvers.arn("arn:aws:x", true, false);
      resolvers.tags({}, true, false);
      assert.equal((await seen(arn)).value, "arn:aws:x");
    });
  });

  it("refuses a property the resource already has, with the SDK's error", async () => {
    await withLazyOutputs(() => {
      assert.throws(
        () => rpc.transferProperties({ arn: 1 }, "res", { arn: undefined }),
        /Property 'arn' is already initialized on target 'res/,
      );
      return Promise.resolve();
    });
  });

  it("puts the SDK's transferProperties back after the run, also when it fails", async () => {
    const eager = rpc.transferProperties;
    await assert.rejects(
      withLazyOutputs(() => Promise.reject(new Error("program failed"))),
      /program failed/,
    );
    assert.equal(rpc.transferProperties, eager);
  });

  it("gives a real resource's outputs under the mocks: values, secrets and the resource itself", async () => {
    const result: Record<string, unknown> = {};
    const run = await runOffline({
      project: "acme",
      stack: "t",
      config: { "aws:region": "eu-west-1" },
      program: async () => {
        const param = new aws.ssm.Parameter("p", {
          type: "SecureString",
          value: pulumi.secret("s3cr3t"),
          tags: { Name: "p" },
        });
        const tags = await seen(param.tags);
        result.tags = tags.value;
        result.tagsDependOnParam = tags.resources === 1;
        result.valueSecret = (await seen(param.value)).secret;
        result.type = (await seen(param.type)).value;
      },
    });
    assert.equal(run.error, undefined, String(run.error));
    assert.deepEqual(result.tags, { Name: "p" });
    assert.equal(result.tagsDependOnParam, true);
    assert.equal(result.valueSecret, true);
    assert.equal(result.type, "SecureString");
  });
});
