import * as assert from "node:assert/strict";
import * as path from "node:path";
import {
  AutomationStack,
  PREVIEW_ATTEMPTS,
} from "../../../automation/automationApi/automationStack";
import { StackEventsIncompleteError } from "../../../automation/automationApi/errors";
import type { StackEvent } from "../../../automation/automationApi/events";
import { fakePulumi, type FakePulumi } from "./_fakePulumiHarness";
import { defaultProviderUrn, providerRef, sdkVersion, type RealEvent } from "./_realEvents";
import {
  clusterOutputFixture,
  clusterUrns,
  parentOf,
  engineEvents,
  stackOutputsFixture,
  stackUrn,
} from "./_stackFixtures";

/**
 * The Automation API reads engine events from a log file it tails when the CLI is 3.205 or
 * older, and from a gRPC stream the CLI connects to when it is newer: both are exercised.
 */
const TRANSPORTS = [
  { version: "3.205.0", transport: "event log file" },
  { version: "3.248.0", transport: "gRPC event stream" },
];

for (const { version, transport } of TRANSPORTS) {
  describe(`previews and updates through the Automation API (pulumi ${version}, ${transport})`, () => {
    let fake: FakePulumi;
    let stack: AutomationStack;
    const a = clusterUrns("dev", "a");
    const b = clusterUrns("dev", "b");
    const c = clusterUrns("dev", "c");
    const eksProvider = defaultProviderUrn("dev", "eks", sdkVersion("eks")).split("::").pop()!;
    const awsProvider = defaultProviderUrn("dev", "aws", sdkVersion("aws")).split("::").pop()!;

    beforeEach(async () => {
      fake = await fakePulumi({ version });
      stack = await AutomationStack.open({
        environment: "dev",
        projectDir: fake.projectDir,
        pulumiCommand: fake.command,
      });
    });
    afterEach(() => fake.cleanup());

    describe("preview", () => {
      it("reports which URNs would change, and how", async () => {
        fake.reply({
          match: ["preview"],
          events: engineEvents([
            ["same", stackUrn("dev")],
            ["same", a.eks],
            ["same", a.nodes],
            ["update", b.eks],
            ["create-replacement", b.launchTemplate],
            ["replace", b.launchTemplate],
            ["update", b.nodes],
            ["delete-replaced", b.launchTemplate],
            ["same", c.eks],
          ]),
        });
        const result = await stack.preview();
        assert.deepEqual(
          result.changes.map((ch) => [ch.urn, ch.kind]),
          [
            [b.eks, "update"],
            [b.launchTemplate, "replace"],
            [b.nodes, "update"],
          ],
        );
        // The engine's own count: logical steps only (a replacement is one `replace`; its
        // create-replacement and delete-replaced are not logical), default providers not at all.
        assert.deepEqual(result.counts, { same: 4, update: 2, replace: 1 });
      });

      it("gives the program its per-operation environment (the rollout directive), then drops it", async () => {
        fake.reply({ match: ["preview"], events: engineEvents([["same", stackUrn("dev")]]) });
        await stack.preview({ programEnv: { AA_ROLLOUT_DIRECTIVE: '{"drained":["b"]}' } });
        await stack.preview();
        const [first, second] = fake.callsOf("preview");
        assert.equal(first.env.AA_ROLLOUT_DIRECTIVE, '{"drained":["b"]}');
        assert.equal(second.env.AA_ROLLOUT_DIRECTIVE, undefined);
      });

      it("passes each event on as it comes, as URN, type and operation only", async () => {
        fake.reply({
          match: ["preview"],
          events: engineEvents(
            [
              ["same", a.eks],
              ["update", b.nodes],
            ],
            [
              {
                diagnosticEvent: {
                  message: "kubernetes version 1.34 is in extended support from 2027-01\n",
                  color: "never",
                  severity: "warning",
                },
              },
              {
                policyEvent: {
                  resourceUrn: b.nodes,
                  message: "node group b is one minor ahead of cluster a",
                  color: "never",
                  policyName: "cluster-version-skew",
                  policyPackName: "active-active",
                  policyPackVersion: "0.1.0",
                  policyPackVersionTag: "v0.1.0",
                  enforcementLevel: "advisory",
                },
              },
            ],
          ),
        });
        const seen: StackEvent[] = [];
        const result = await stack.preview({ onEvent: (event) => seen.push(event) });
        assert.deepEqual(result.events, seen);
        assert.deepEqual(
          seen.map((e) =>
            "urn" in e && "op" in e ? `${e.kind} ${e.urn.split("::").pop()}` : e.kind,
          ),
          [
            "prelude",
            "resource-pre active-active-dev",
            "resource-done active-active-dev",
            "resource-pre default_4_3_0",
            "resource-done default_4_3_0",
            "resource-pre dev-a-eks",
            "resource-done dev-a-eks",
            "resource-pre default_7_48_0",
            "resource-done default_7_48_0",
            "resource-pre dev-b-nodes",
            "resource-done dev-b-nodes",
            "diagnostic",
            "policy-violation",
            "resource-done dev-a-eks",
            "resource-done active-active-dev",
            "summary",
            "cancel",
          ].map((k) =>
            k.replace("default_4_3_0", eksProvider).replace("default_7_48_0", awsProvider),
          ),
        );
        assert.deepEqual(seen[9], {
          kind: "resource-pre",
          urn: b.nodes,
          type: "aws:eks/nodeGroup:NodeGroup",
          op: "update",
          parent: parentOf(b.nodes),
          provider: providerRef(defaultProviderUrn("dev", "aws", sdkVersion("aws"))),
        });
        assert.deepEqual(seen[12], {
          kind: "policy-violation",
          policyPack: "active-active",
          policy: "cluster-version-skew",
          enforcementLevel: "advisory",
          message: "node group b is one minor ahead of cluster a",
          urn: b.nodes,
        });
      });

      it("passes the stack file, targets, refresh and message to `pulumi preview`", async () => {
        await stack.preview({
          targets: [b.eks, b.nodes],
          targetDependents: true,
          refresh: true,
          message: "aa rollout dev: cluster b",
        });
        const [call] = fake.callsOf("preview");
        const argv = call.argv;
        const valueOf = (flag: string) => argv[argv.indexOf(flag) + 1];
        assert.equal(argv[0], "preview");
        assert.equal(
          valueOf("--config-file"),
          path.join(fake.projectDir, "stacks", "Pulumi.dev.yaml"),
        );
        assert.equal(valueOf("--stack"), "dev");
        assert.equal(valueOf("--message"), "aa rollout dev: cluster b");
        assert.equal(valueOf("--color"), "never");
        assert.deepEqual(
          argv.flatMap((arg, i) => (arg === "--target" ? [argv[i + 1]] : [])),
          [b.eks, b.nodes],
        );
        for (const flag of [
          "--target-dependents",
          "--refresh",
          "--non-interactive",
          "--event-log",
        ]) {
          assert.ok(argv.includes(flag), `${flag} in ${argv.join(" ")}`);
        }
        assert.ok(!argv.includes("--yes"), "a preview never says yes");
      });

      it("refuses a preview whose events never all arrive, after running it again", async () => {
        fake.reply({
          match: ["preview"],
          events: engineEvents([
            ["update", b.nodes],
            ["update", c.nodes],
          ]),
          lose: [2],
          repeat: true,
        });
        const restore = silenceWarnings();
        try {
          await assert.rejects(stack.preview(), (err: unknown) => {
            assert.ok(err instanceof StackEventsIncompleteError);
            assert.match(err.message, /event\(s\) 2 never arrived \(3 attempts\)/);
            assert.match(err.message, /run the preview again/);
            return true;
          });
          assert.equal(fake.callsOf("preview").length, PREVIEW_ATTEMPTS);
        } finally {
          restore();
        }
      });

      it("runs a preview again when one attempt's events did not all arrive (a preview changes nothing)", async () => {
        const events = engineEvents([["update", b.nodes]]);
        fake.reply({ match: ["preview"], events, lose: [2] });
        fake.reply({ match: ["preview"], events });
        const restore = silenceWarnings();
        try {
          const result = await stack.preview();
          assert.deepEqual(
            result.changes.map((c) => c.urn),
            [b.nodes],
          );
          assert.equal(result.events.filter((e) => e.kind === "prelude").length, 1);
          assert.equal(fake.callsOf("preview").length, 2);
        } finally {
          restore();
        }
      });

      it("refuses a preview whose summary never arrives", async () => {
        const events = engineEvents([["update", b.nodes]]);
        fake.reply({ match: ["preview"], events: events.slice(0, 2), repeat: true });
        const restore = silenceWarnings();
        try {
          await assert.rejects(stack.preview(), /summary event never arrived/);
        } finally {
          restore();
        }
      });

      it("throws a listener's error after the preview, with every event still delivered", async () => {
        const events = engineEvents([["update", b.nodes]]);
        fake.reply({ match: ["preview"], events });
        let delivered = 0;
        await assert.rejects(
          stack.preview({
            onEvent: () => {
              delivered++;
              throw new Error("listener bug");
            },
          }),
          /listener bug/,
        );
        assert.equal(delivered, events.length);
      });
    });

    describe("up", () => {
      it("updates without a second preview, and returns the changes and the new deployed state", async () => {
        const upgraded = ["a", "b", "c"].map((name) =>
          clusterOutputFixture({
            name,
            ...(name === "b" ? { kubernetesVersion: "1.34", generation: "gen-b-2" } : {}),
          }),
        );
        fake.reply({
          match: ["up"],
          events: engineEvents(
            [
              ["same", a.eks],
              ["update", b.eks],
              ["update", b.nodes],
            ],
            [],
            { preview: false },
          ),
          outputs: stackOutputsFixture("dev", upgraded),
        });
        const seen: StackEvent[] = [];
        const result = await stack.up({
          message: "aa rollout dev: cluster b",
          onEvent: (e) => seen.push(e),
        });
        assert.deepEqual(
          result.changes.map((ch) => [ch.urn, ch.kind]),
          [
            [b.eks, "update"],
            [b.nodes, "update"],
          ],
        );
        assert.deepEqual(
          result.deployed?.clusters.map((cl) => [cl.name, cl.kubernetesVersion, cl.generation]),
          [
            ["a", "1.33", "gen-a-1"],
            ["b", "1.34", "gen-b-2"],
            ["c", "1.33", "gen-c-1"],
          ],
        );
        assert.equal(result.eventsIncomplete, undefined);
        assert.deepEqual(
          seen.flatMap((e) => (e.kind === "resource-pre" ? [e.urn] : [])),
          [
            stackUrn("dev"),
            defaultProviderUrn("dev", "eks", sdkVersion("eks")),
            a.eks,
            b.eks,
            defaultProviderUrn("dev", "aws", sdkVersion("aws")),
            b.nodes,
          ],
        );

        const [up] = fake.callsOf("up");
        assert.deepEqual(up.argv.slice(0, 3), ["up", "--yes", "--skip-preview"]);
        assert.equal(
          up.argv[up.argv.indexOf("--config-file") + 1],
          path.join(fake.projectDir, "stacks", "Pulumi.dev.yaml"),
        );
        const [history] = fake.callsOf("stack", "history");
        assert.ok(!history.argv.includes("--show-secrets"), history.argv.join(" "));
      });

      it("reports an update whose events did not all arrive, without hiding that it ran", async () => {
        const events = engineEvents(
          [
            ["update", b.eks],
            ["update", b.nodes],
          ],
          [],
          { preview: false },
        );
        const lost = events.findIndex(
          (e) => (e as RealEvent).resourcePreEvent?.metadata.urn === b.eks,
        );
        fake.reply({ match: ["up"], events, lose: [lost], outputs: stackOutputsFixture("dev") });
        const restore = silenceWarnings();
        try {
          const result = await stack.up();
          assert.match(
            result.eventsIncomplete ?? "",
            new RegExp(`event\\(s\\) ${lost} never arrived`),
          );
          assert.deepEqual(
            result.changes.map((ch) => ch.urn),
            [b.nodes],
          );
          assert.equal(result.deployed?.clusters.length, 3);
        } finally {
          restore();
        }
      });
    });
  });
}

/** The Automation API warns on the console about events it could not read; keep tests quiet. */
function silenceWarnings(): () => void {
  const warn = console.warn;
  console.warn = () => {};
  return () => {
    console.warn = warn;
  };
}
