import * as assert from "node:assert/strict";
import { runGates } from "../../../automation/health/run";
import { standardGates } from "../../../automation/health/standardGates";
import { startServer, type TestServer } from "./_servers";
import { startFakeKube, type FakeKube } from "./_fakeKube";
import { checkers, startFakeRoute53, statusXml } from "./_fakeRoute53";
import {
  assertNoSecret,
  deploymentFixture,
  healthyState,
  nodeFixture,
  targetFixture,
} from "./_fixtures";

const HC = "8c3f4d52-7d1e-4e1c-9a57-0f2f0b7e6d11";

describe("standardGates", () => {
  let kube: FakeKube;
  let lb: TestServer;
  let r53: Awaited<ReturnType<typeof startFakeRoute53>>;
  beforeEach(async () => {
    lb = await startServer({ "/healthz": { text: "ok" } });
    r53 = await startFakeRoute53({ [HC]: statusXml(checkers(8)) });
    kube = await startFakeKube({});
  });
  afterEach(async () => {
    r53.client.destroy();
    await Promise.all([kube.close(), lb.close(), r53.close()]);
  });
  const target = () =>
    targetFixture(kube.kubeconfig, {
      services: [{ name: "api", namespace: "apps", port: lb.port, loadBalancer: "127.0.0.1" }],
      route53HealthCheckIds: [HC],
    });

  it("runs every gate in order, from the API server up to Route 53, on a healthy cluster", async () => {
    kube.state = healthyState(target());
    const seen: string[] = [];
    const results = await runGates(standardGates({ route53Client: r53.client }), target(), {
      onResult: (r) => seen.push(r.gate),
    });
    assert.deepEqual(seen, [
      "api-server",
      "nodes",
      "system-pods",
      "deployments",
      "http-probe",
      "route53",
    ]);
    assert.deepEqual(
      results.filter((r) => !r.ok).map((r) => `${r.gate}: ${r.detail}`),
      [],
    );
    assertNoSecret(results, kube.kubeconfig);
  });

  it("reports every failing gate of a sick cluster, each with its reason", async () => {
    const state = healthyState(target());
    state.nodes![0] = nodeFixture({ name: "ip-10-1-2-3", ready: "False" });
    state.deployments = state.deployments!.map((d) =>
      d.metadata?.name === "coredns"
        ? deploymentFixture({ name: "coredns", namespace: "kube-system", available: 1 })
        : d,
    );
    kube.state = state;
    const results = await runGates(standardGates({ route53Client: r53.client }), target());
    assert.deepEqual(
      results.filter((r) => !r.ok).map((r) => `${r.gate}: ${r.detail}`),
      [
        "nodes: node ip-10-1-2-3 Ready=False (KubeletNotReady)",
        "system-pods: kube-system/coredns 1/2 available",
      ],
    );
    assertNoSecret(results, kube.kubeconfig);
  });

  it("applies per-gate timeouts and can leave Route 53 out", () => {
    const gates = standardGates({ timeoutsMs: { nodes: 30_000 }, withoutRoute53: true });
    assert.deepEqual(
      gates.map((g) => [g.name, g.timeoutMs]),
      [
        ["api-server", 10_000],
        ["nodes", 30_000],
        ["system-pods", 20_000],
        ["deployments", 20_000],
        ["http-probe", 10_000],
      ],
    );
  });
});
