import * as assert from "node:assert/strict";
import { UsageError } from "../../../automation/exitCodes";
import { parseEnvironment } from "../../../config/load";
import {
  clusterTargetFromConfig,
  normalizeClusterTarget,
  type ClusterTargetArgs,
} from "../../../automation/health/target";
import { kubeconfigFor, TOKEN } from "./_fakeKube";

describe("normalizeClusterTarget", () => {
  const kubeconfig = kubeconfigFor("https://ABC.gr7.us-east-1.eks.amazonaws.com");
  const args = (o: Partial<ClusterTargetArgs> = {}): ClusterTargetArgs => ({
    name: "use1-a",
    kubeconfig,
    kubernetesVersion: "1.33",
    services: [
      {
        name: "api",
        namespace: "apps",
        port: 80,
        loadBalancer: "k8s-apps-api-0123.elb.us-east-1.amazonaws.com",
      },
    ],
    route53HealthCheckIds: ["8c3f4d52-7d1e-4e1c-9a57-0f2f0b7e6d11"],
    ...o,
  });
  /** Throws like normalizeClusterTarget, and checks the message never shows the kubeconfig. */
  const rejects = (o: Partial<ClusterTargetArgs>, message: RegExp) =>
    assert.throws(
      () => normalizeClusterTarget(args(o)),
      (err: Error) => {
        assert.ok(err instanceof UsageError);
        assert.match(err.message, message);
        assert.ok(!err.message.includes(TOKEN));
        return true;
      },
    );

  it("fills in the defaults", () => {
    const target = normalizeClusterTarget(args());
    assert.equal(target.services[0].healthPath, "/healthz");
    assert.equal(target.services[0].scheme, "http");
    assert.equal(target.systemWorkloads.length, 7);
  });

  it("names a version that is not a minor, and the fix", () => {
    rejects(
      { kubernetesVersion: "1.33.2" },
      /^cluster target "use1-a": kubernetesVersion "1.33.2" is not a Kubernetes minor version; write it as "1.<minor>", e.g. "1.33"$/,
    );
  });

  it("refuses an empty kubeconfig", () => {
    rejects({ kubeconfig: " " }, /kubeconfig is empty; pass this cluster's kubeconfig/);
  });

  it("names a port out of range", () => {
    rejects(
      { services: [{ name: "api", namespace: "apps", port: 0 }] },
      /services\[0\]\.port 0 is not a TCP port; use 1 to 65535/,
    );
  });

  it("refuses a load balancer given as a URL", () => {
    rejects(
      {
        services: [
          { name: "api", namespace: "apps", port: 80, loadBalancer: "http://lb.example.com" },
        ],
      },
      /services\[0\]\.loadBalancer "http:\/\/lb.example.com" is not a hostname; give the bare load balancer hostname/,
    );
  });

  it("refuses a health check id that is not one", () => {
    rejects(
      { route53HealthCheckIds: ["not an id"] },
      /route53HealthCheckIds\[0\] "not an id" is not a Route 53 health check id/,
    );
  });

  it("refuses an unknown workload kind", () => {
    rejects(
      {
        systemWorkloads: [
          { kind: "StatefulSet" as "Deployment", namespace: "kube-system", name: "x" },
        ],
      },
      /systemWorkloads\[0\]\.kind "StatefulSet" is not supported; use "Deployment" or "DaemonSet"/,
    );
  });
});

describe("clusterTargetFromConfig", () => {
  const config = parseEnvironment(
    "dev",
    {
      kubernetesVersion: "1.33",
      clusters: [
        { name: "a", cidr: "10.10.0.0/16" },
        { name: "b", cidr: "10.11.0.0/16", kubernetesVersion: "1.32" },
      ],
      addons: {
        vpcCni: "v1.19.5-eksbuild.1",
        coredns: "v1.12.1-eksbuild.2",
        // Not newer than the older cluster's control plane (Kubernetes' kube-proxy skew rule).
        kubeProxy: "v1.32.0-eksbuild.2",
      },
      kyverno: {
        repository: "https://kyverno.github.io/kyverno/",
        version: "3.4.4",
        values: { reportsController: { enabled: false } },
      },
      nodeGroup: { instanceTypes: ["m6i.large"], minSize: 2, desiredSize: 2, maxSize: 4 },
      dns: { hostedZoneId: "Z0DEV00000EXAMPLE", zoneName: "dev.example.com" },
      services: [
        {
          name: "api",
          image: "ghcr.io/acme/api:1.0.0",
          port: 8080,
          healthPath: "/ready",
          resources: { requests: { cpu: "100m", memory: "128Mi" } },
        },
        {
          name: "web",
          image: "ghcr.io/acme/web:1.0.0",
          port: 80,
          resources: { requests: { cpu: "100m", memory: "128Mi" } },
        },
      ],
    },
    "test config",
  ).config;
  const kubeconfig = kubeconfigFor("https://ABC.gr7.us-east-1.eks.amazonaws.com");

  it("builds a cluster's target from the config and its deployed load balancers", () => {
    const target = clusterTargetFromConfig({
      config,
      cluster: "b",
      kubeconfig,
      loadBalancers: { api: "api-b.elb.amazonaws.com", web: "" },
      route53HealthCheckIds: ["8c3f4d52-7d1e-4e1c-9a57-0f2f0b7e6d11"],
    });
    assert.equal(target.name, "b");
    assert.equal(
      target.kubernetesVersion,
      "1.32",
      "the cluster's own version wins over the environment's",
    );
    assert.deepEqual(target.services, [
      {
        name: "api",
        namespace: "apps",
        port: 8080,
        healthPath: "/ready",
        loadBalancer: "api-b.elb.amazonaws.com",
        scheme: "http",
      },
      {
        name: "web",
        namespace: "apps",
        port: 80,
        healthPath: "/healthz",
        loadBalancer: undefined,
        scheme: "http",
      },
    ]);
    assert.ok(!target.systemWorkloads.some((w) => w.name === "kyverno-reports-controller"));
  });

  it("lists the other clusters as the baseline of metric gates", () => {
    const target = clusterTargetFromConfig({ config, cluster: "b", kubeconfig });
    assert.deepEqual(target.peers, [{ name: "a" }]);
    const given = clusterTargetFromConfig({
      config,
      cluster: "b",
      kubeconfig,
      peers: [{ name: "a", region: "eu-west-1" }],
    });
    assert.deepEqual(given.peers, [{ name: "a", region: "eu-west-1" }]);
    assert.throws(
      () => clusterTargetFromConfig({ config, cluster: "b", kubeconfig, peers: [{ name: "b" }] }),
      /peers\[0\]\.name "b" is not another cluster's name; list the environment's other clusters/,
    );
  });

  it("takes the expected version from the caller during a rollout", () => {
    const target = clusterTargetFromConfig({
      config,
      cluster: "a",
      kubeconfig,
      kubernetesVersion: "1.34",
    });
    assert.equal(target.kubernetesVersion, "1.34");
  });

  it("checks what the cluster runs now during a rollout: its own services and namespace", () => {
    // Cluster a has not received the new "web" service yet and still runs in "legacy".
    const target = clusterTargetFromConfig({
      config,
      cluster: "a",
      kubeconfig,
      runs: { services: [config.services[0]], namespace: "legacy" },
    });
    assert.deepEqual(
      target.services.map((s) => [s.name, s.namespace]),
      [["api", "legacy"]],
    );
  });

  it("names the clusters there are when given an unknown one", () => {
    assert.throws(
      () => clusterTargetFromConfig({ config, cluster: "z", kubeconfig }),
      /cluster "z" is not in this environment; use one of: "a", "b"$/,
    );
  });
});
