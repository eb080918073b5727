import * as assert from "node:assert/strict";
import { DIRECTIVE_ENV } from "../../config/rolloutState";
import { runProgram } from "./_program";
import { clusterFixture, environmentFixture, serviceFixture } from "../_fixtures";

const run = runProgram;

const at134 = environmentFixture({
  kubernetesVersion: "1.34",
  addons: {
    vpcCni: "v1.19.5-eksbuild.1",
    coredns: "v1.12.1-eksbuild.2",
    kubeProxy: "v1.34.0-eksbuild.1",
  },
});

describe("the program's cluster-by-cluster rule", () => {
  let deployed: Record<string, unknown>;

  before(async () => {
    const first = await run(environmentFixture());
    assert.equal(first.error, undefined, String(first.error));
    deployed = first.outputs;
  });

  it("exports each cluster's deployed settings and no rollout record", () => {
    const clusters = deployed.clusters as { settings: { kubernetesVersion: string } }[];
    assert.equal(clusters.length, 3);
    assert.equal(clusters[0].settings.kubernetesVersion, "1.33");
    assert.equal(deployed.rollout, null);
  });

  it("reads its own last outputs through a StackReference to itself", async () => {
    const again = await run(environmentFixture(), deployed);
    const ref = again.resources.find((r) => r.type === "pulumi:pulumi:StackReference");
    assert.equal(ref?.inputs.name, "organization/active-active/test");
    assert.equal(again.error, undefined);
  });

  it("refuses a plain update that changes every cluster's version, pointing to aa rollout", async () => {
    const result = await run(at134, deployed);
    assert.ok(result.error instanceof Error);
    assert.match(result.error.message, /3 clusters at once \(a, b, c\)/);
    assert.match(result.error.message, /aa rollout/);
    const eks = result.resources.filter((r) => r.type === "eks:index:Cluster");
    assert.deepEqual(eks, [], "nothing of the environment is registered");
  });

  it("moves only the cluster the rollout directive names, drained", async () => {
    const result = await run(at134, deployed, {
      [DIRECTIVE_ENV]: JSON.stringify({
        advance: {
          cluster: "a",
          settings: {
            ...(deployed.clusters as { settings: Record<string, unknown> }[])[0].settings,
            kubernetesVersion: "1.34",
            addons: {
              vpcCni: "v1.19.5-eksbuild.1",
              coredns: "v1.12.1-eksbuild.2",
              kubeProxy: "v1.34.0-eksbuild.1",
            },
          },
        },
        drained: ["a"],
        record: {
          id: "r1",
          startedAt: "2026-11-25T00:00:00Z",
          startedBy: "test",
          target: {},
          drained: ["a"],
          state: "in-progress",
          current: "a",
        },
      }),
    });
    assert.equal(result.error, undefined, String(result.error));
    const versions = result.resources
      .filter((r) => r.type === "eks:index:Cluster")
      .map((r) => r.inputs.version);
    assert.deepEqual(versions, ["1.34", "1.33", "1.33"]);
    const weights = result.resources
      .filter((r) => r.type === "aws:route53/record:Record")
      .map((r) => [r.inputs.setIdentifier, r.inputs.weightedRoutingPolicies]);
    assert.deepEqual(weights, [
      ["a", [{ weight: 0 }]],
      ["b", [{ weight: 1 }]],
      ["c", [{ weight: 1 }]],
    ]);
    assert.equal((result.outputs.rollout as { current: string }).current, "a");
  });

  it("rejects a malformed directive with a message that names the variable", async () => {
    const result = await run(environmentFixture(), deployed, { [DIRECTIVE_ENV]: "{nope" });
    assert.match(String((result.error as Error)?.message), /AA_ROLLOUT_DIRECTIVE is not JSON/);
  });

  describe("on everything a cluster runs", () => {
    const refusedEverywhere = async (env: Record<string, unknown>) => {
      const result = await run(env, deployed);
      assert.ok(result.error instanceof Error, "the update is refused");
      assert.match(result.error.message, /3 clusters at once \(a, b, c\)/);
      assert.match(result.error.message, /aa rollout/);
      assert.deepEqual(
        result.resources.filter((r) => r.type === "eks:index:Cluster"),
        [],
        "nothing of the environment is registered",
      );
    };

    it("refuses a plain update that gives every cluster a new CIDR", async () => {
      await refusedEverywhere(
        environmentFixture({ clusters: ["a", "b", "c"].map((n, i) => clusterFixture(n, i + 10)) }),
      );
    });

    it("refuses a plain update that moves the services to another namespace", async () => {
      await refusedEverywhere(environmentFixture({ namespace: "web" }));
    });

    it("refuses a plain update that ships a new image to every cluster", async () => {
      await refusedEverywhere(
        environmentFixture({ services: [serviceFixture({ image: "ghcr.io/acme/api:1.1.0" })] }),
      );
    });

    it("refuses a plain update that deletes a cluster aa has not drained and released", async () => {
      const result = await run(
        environmentFixture({ clusters: [clusterFixture("a", 0), clusterFixture("b", 1)] }),
        deployed,
      );
      assert.ok(result.error instanceof Error);
      assert.match(result.error.message, /cluster "c" is deployed but no longer in the config/);
      assert.match(result.error.message, /aa rollout <env>/);
      assert.deepEqual(
        result.resources.filter((r) => r.type === "eks:index:Cluster"),
        [],
      );
    });

    it("ships a new image to the directive's cluster b only: a and c keep the old one", async () => {
      const image = "ghcr.io/acme/api:1.1.0";
      const settings = (deployed.clusters as { settings: { services: object[] } }[])[1].settings;
      const result = await run(
        environmentFixture({ services: [serviceFixture({ image })] }),
        deployed,
        {
          [DIRECTIVE_ENV]: JSON.stringify({
            advance: {
              cluster: "b",
              settings: { ...settings, services: [{ ...settings.services[0], image }] },
            },
            drained: [],
            record: {
              id: "r2",
              startedAt: "2026-11-25T00:00:00Z",
              startedBy: "test",
              target: {},
              drained: [],
              state: "in-progress",
              current: "b",
            },
          }),
        },
      );
      assert.equal(result.error, undefined, String(result.error));
      const images = result.resources
        .filter((r) => r.type === "kubernetes:apps/v1:Deployment")
        .map((r) => [
          r.name,
          (r.inputs.spec as { template: { spec: { containers: { image: string }[] } } }).template
            .spec.containers[0].image,
        ]);
      assert.deepEqual(images, [
        ["test-api-a", "ghcr.io/acme/api:1.0.0"],
        ["test-api-b", image],
        ["test-api-c", "ghcr.io/acme/api:1.0.0"],
      ]);
      const clusters = result.outputs.clusters as { name: string; generation: string }[];
      const before = deployed.clusters as { name: string; generation: string }[];
      assert.deepEqual(
        clusters.map((c, i) => c.generation !== before[i].generation),
        [false, true, false],
      );
    });

    it("builds each cluster's namespace, Service port and health check from its own settings", async () => {
      const settings = (deployed.clusters as { settings: Record<string, unknown> }[])[0].settings;
      const moved = {
        ...settings,
        namespace: "web",
        services: [serviceFixture({ port: 9090, healthPath: "/ready" })],
      };
      const result = await run(
        environmentFixture({
          namespace: "web",
          services: [serviceFixture({ port: 9090, healthPath: "/ready" })],
        }),
        deployed,
        {
          [DIRECTIVE_ENV]: JSON.stringify({
            advance: { cluster: "a", settings: moved },
            drained: ["a"],
            record: {
              id: "r3",
              startedAt: "2026-11-25T00:00:00Z",
              startedBy: "test",
              target: {},
              drained: ["a"],
              state: "in-progress",
              current: "a",
            },
          }),
        },
      );
      assert.equal(result.error, undefined, String(result.error));
      const namespaces = result.resources
        .filter((r) => r.type === "kubernetes:core/v1:Namespace" && r.name.endsWith("-ns"))
        .map((r) => (r.inputs.metadata as { name: string }).name);
      assert.deepEqual(namespaces, ["web", "apps", "apps"]);
      const ports = result.resources
        .filter((r) => r.type === "kubernetes:core/v1:Service")
        .map((r) => (r.inputs.spec as { ports: { port: number }[] }).ports[0].port);
      assert.deepEqual(ports, [9090, 8080, 8080]);
      const checks = result.resources
        .filter((r) => r.type === "aws:route53/healthCheck:HealthCheck")
        .map((r) => [r.inputs.port, r.inputs.resourcePath]);
      assert.deepEqual(checks, [
        [9090, "/ready"],
        [8080, "/healthz"],
        [8080, "/healthz"],
      ]);
    });

    it("adds a new service to the directive's cluster only, and routes its hostname there", async () => {
      const web = serviceFixture({ name: "web", port: 80, image: "ghcr.io/acme/web:1.0.0" });
      const settings = (deployed.clusters as { settings: { services: object[] } }[])[2].settings;
      const env = environmentFixture({
        services: [serviceFixture(), web],
        dns: {
          hostedZoneId: "Z0TEST0000EXAMPLE",
          zoneName: "test.example.com",
          hostnames: [
            { hostname: "api.test.example.com", service: "api" },
            { hostname: "www.test.example.com", service: "web" },
          ],
        },
      });
      const result = await run(env, deployed, {
        [DIRECTIVE_ENV]: JSON.stringify({
          advance: {
            cluster: "c",
            settings: {
              ...settings,
              services: [...settings.services, { ...web, containerPort: undefined }],
            },
          },
          drained: [],
          record: {
            id: "r4",
            startedAt: "2026-11-25T00:00:00Z",
            startedBy: "test",
            target: {},
            drained: [],
            state: "in-progress",
            current: "c",
          },
        }),
      });
      assert.equal(result.error, undefined, String(result.error));
      assert.deepEqual(
        result.resources
          .filter((r) => r.type === "kubernetes:apps/v1:Deployment")
          .map((r) => r.name),
        ["test-api-a", "test-api-b", "test-api-c", "test-web-c"],
      );
      assert.deepEqual(
        result.resources
          .filter(
            (r) =>
              r.type === "aws:route53/record:Record" && r.inputs.name === "www.test.example.com",
          )
          .map((r) => r.inputs.setIdentifier),
        ["c"],
      );
      const clusters = result.outputs.clusters as { ingress: Record<string, string> }[];
      assert.deepEqual(
        clusters.map((c) => Object.keys(c.ingress).sort()),
        [["api"], ["api"], ["api", "web"]],
      );
    });

    it("accepts outputs of an earlier version, whose settings lack the keys added since", async () => {
      const legacy = {
        ...deployed,
        clusters: (deployed.clusters as { settings: Record<string, unknown> }[]).map((c) => ({
          ...c,
          generation: "0123456789ab",
          settings: Object.fromEntries(
            Object.entries(c.settings).filter(
              ([k]) => !["namespace", "services", "cidr"].includes(k),
            ),
          ),
        })),
      };
      const result = await run(environmentFixture(), legacy);
      assert.equal(result.error, undefined, String(result.error));
      const clusters = result.outputs.clusters as { generation: string }[];
      assert.deepEqual(
        clusters.map((c) => c.generation),
        (deployed.clusters as { generation: string }[]).map((c) => c.generation),
      );
    });
  });
});

describe("the program's rollout fence", () => {
  let deployed: Record<string, unknown>;
  const alice = { id: "lease-a", by: "alice@laptop-1", since: "2026-12-03T08:00:00.000Z" };
  const directed = (lock: Record<string, unknown>) => ({
    [DIRECTIVE_ENV]: JSON.stringify({ drained: [], record: null, lock }),
  });

  before(async () => {
    const first = await run(environmentFixture());
    assert.equal(first.error, undefined, String(first.error));
    deployed = { ...first.outputs, rolloutLock: alice };
  });

  it("exports the lease of a directed update, and keeps it across a plain update", async () => {
    const bob = { id: "lease-b", by: "bob@ci-3", replaces: "lease-a" };
    const taken = await run(environmentFixture(), deployed, directed(bob));
    assert.equal(taken.error, undefined, String(taken.error));
    assert.deepEqual(taken.outputs.rolloutLock, { id: "lease-b", by: "bob@ci-3" });

    const plain = await run(environmentFixture(), { ...deployed, rolloutLock: alice });
    assert.equal(plain.error, undefined, String(plain.error));
    assert.deepEqual(plain.outputs.rolloutLock, alice);
  });

  it("refuses the update of a rollout that lost the race, before it registers anything", async () => {
    const late = { id: "lease-b", by: "bob@ci-3", replaces: null };
    const result = await run(environmentFixture(), deployed, directed(late));
    assert.ok(result.error, "the update is refused");
    assert.match(String((result.error as Error).message), /\[AA_ROLLOUT_FENCED\]/);
    assert.match(String((result.error as Error).message), /alice@laptop-1/);
    const registered = result.resources.filter(
      (r) => !["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"].includes(r.type),
    );
    assert.deepEqual(
      registered.map((r) => r.urn),
      [],
    );
  });

  it("exports no rolloutLock on a stack no rollout ever updated", async () => {
    const first = await run(environmentFixture());
    assert.equal("rolloutLock" in first.outputs, false);
  });
});
