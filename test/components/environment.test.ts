import * as assert from "node:assert/strict";
import type { Evaluation } from "../../automation/offline/evaluate";
import { isKubernetesResource } from "../../graph/resourceGraph";
import { clusterFixture, environmentFixture, serviceFixture } from "../_fixtures";
import { realEksClusterNames } from "../_realEks";
import { evaluateFixture, query } from "./_offline";

const CLUSTERS = ["a", "b", "c"];

describe("Environment", () => {
  let evaluation: Evaluation;
  let q: ReturnType<typeof query>;

  before(async () => {
    evaluation = await evaluateFixture(
      environmentFixture({
        clusters: [
          clusterFixture("a", 0, { weight: 2 }),
          clusterFixture("b", 1, { weight: 1 }),
          clusterFixture("c", 2, { weight: 0 }),
        ],
        services: [
          serviceFixture({ autoscaling: { maxReplicas: 5 } }),
          serviceFixture({ name: "web", port: 80, healthPath: "/" }),
        ],
        dns: {
          hostedZoneId: "Z0TEST0000EXAMPLE",
          zoneName: "test.example.com",
          hostnames: [
            { hostname: "api.test.example.com", service: "api" },
            { hostname: "www.test.example.com", service: "web" },
          ],
        },
      }),
    );
    q = query(evaluation);
  });

  it("finds one EKS cluster per configured cluster, named by its tag", () => {
    assert.deepEqual(
      evaluation.membership.clusters.map((c) => c.name),
      CLUSTERS,
    );
    assert.equal(q.ofType("eks:index:Cluster").length, 3);
  });

  it("gives each cluster its own VPC, add-ons, node group, Kyverno and one Kubernetes provider", () => {
    for (const cluster of CLUSTERS) {
      assert.equal(q.inCluster(cluster, "aws:ec2/vpc:Vpc").length, 1, `${cluster} VPC`);
      const addons = q.inCluster(cluster, "aws:eks/addon:Addon").map((r) => r.inputs.addonName);
      assert.deepEqual(addons.sort(), ["coredns", "kube-proxy", "vpc-cni"], `${cluster} add-ons`);
      assert.equal(q.inCluster(cluster, "aws:eks/nodeGroup:NodeGroup").length, 1);
      const kyverno = q.inCluster(cluster, "kubernetes:helm.sh/v3:Release");
      assert.equal(kyverno.length, 1, `${cluster} Kyverno`);
      assert.equal(kyverno[0].inputs.chart, "kyverno");
      assert.equal(kyverno[0].inputs.version, "3.4.4");
      assert.equal(q.inCluster(cluster, "pulumi:providers:kubernetes").length, 1);
    }
  });

  it("pins add-on versions and node versions per cluster", () => {
    for (const addon of q.ofType("aws:eks/addon:Addon")) {
      const expected = {
        "vpc-cni": "v1.19.5-eksbuild.1",
        coredns: "v1.12.1-eksbuild.2",
        "kube-proxy": "v1.33.0-eksbuild.2",
      }[addon.inputs.addonName as string];
      assert.equal(addon.inputs.addonVersion, expected);
    }
    for (const group of q.ofType("aws:eks/nodeGroup:NodeGroup")) {
      assert.equal(group.inputs.version, "1.33");
    }
  });

  it("creates every Kubernetes resource with its own cluster's provider, never another's or none", () => {
    const k8s = evaluation.resources.filter(isKubernetesResource);
    assert.ok(k8s.length > 0);
    for (const r of k8s) {
      assert.ok(r.provider, `${r.urn} has no explicit provider`);
      const provider = q.byUrn(r.provider);
      assert.equal(provider?.type, "pulumi:providers:kubernetes", r.urn);
      const reach = evaluation.membership.reaches.get(r.urn);
      assert.equal(reach?.size, 1, `${r.urn} reaches clusters ${[...(reach ?? [])].join(", ")}`);
      assert.equal(q.clusterOf(r), q.clusterOf(provider), r.urn);
    }
  });

  it("runs every service on every cluster: Deployment, LoadBalancer Service and PDB", () => {
    for (const cluster of CLUSTERS) {
      for (const [type, extra] of [
        ["kubernetes:apps/v1:Deployment", undefined],
        ["kubernetes:core/v1:Service", "LoadBalancer"],
        ["kubernetes:policy/v1:PodDisruptionBudget", undefined],
      ] as const) {
        const found = q.inCluster(cluster, type);
        const names = found.map((r) => (r.inputs.metadata as { name: string }).name).sort();
        assert.deepEqual(names, ["api", "web"], `${type} on ${cluster}`);
        if (extra) {
          for (const r of found) assert.equal((r.inputs.spec as { type: string }).type, extra);
        }
      }
    }
  });

  it("names EKS clusters as the recorded pulumi-eks deployments show: <component>-eksCluster-<7 hex>", () => {
    // Real `pulumi up` runs of pulumi-eks's examples (test/fixtures/real/eks, PROVENANCE.md): the
    // name AWS knows (CloudWatch's ClusterName) is not the config's, so {{eksCluster}} exists.
    const real = realEksClusterNames();
    assert.ok(real.length >= 8, `${real.length} recorded EKS clusters`);
    for (const r of real) {
      assert.match(r.resource, /-eksCluster$/, r.file);
      assert.match(r.name, new RegExp(`^${r.resource}-[0-9a-f]{7}$`), r.file);
    }
  });

  it("autoscales a service with autoscaling on every cluster, from replicas to maxReplicas", () => {
    for (const cluster of CLUSTERS) {
      const hpas = q.inCluster(cluster, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
      assert.equal(hpas.length, 1, `only api autoscales, on ${cluster}`);
      const spec = hpas[0].inputs.spec as { minReplicas: number; maxReplicas: number };
      assert.deepEqual([spec.minReplicas, spec.maxReplicas], [2, 5]);
    }
  });

  it("gives each Deployment the service's image, replicas and health probes", () => {
    const api = q
      .ofType("kubernetes:apps/v1:Deployment")
      .filter((r) => (r.inputs.metadata as { name: string }).name === "api");
    assert.equal(api.length, 3);
    for (const d of api) {
      const spec = d.inputs.spec as {
        replicas: number;
        template: {
          spec: {
            containers: { image: string; readinessProbe: { httpGet: { path: string } } }[];
          };
        };
      };
      assert.equal(spec.replicas, 2);
      assert.equal(spec.template.spec.containers[0].image, "ghcr.io/acme/api:1.0.0");
      assert.equal(spec.template.spec.containers[0].readinessProbe.httpGet.path, "/healthz");
    }
  });

  it("splits each hostname by weight, one record and one health check per cluster", () => {
    const records = q.ofType("aws:route53/record:Record");
    const checks = q.ofType("aws:route53/healthCheck:HealthCheck");
    assert.equal(records.length, 6);
    assert.equal(checks.length, 6);
    const weights: Record<string, number> = { a: 2, b: 1, c: 0 };
    for (const record of records) {
      const cluster = record.inputs.setIdentifier as string;
      assert.ok(CLUSTERS.includes(cluster));
      assert.equal(q.clusterOf(record), cluster, "a record is in its cluster's blast radius");
      assert.deepEqual(record.inputs.weightedRoutingPolicies, [{ weight: weights[cluster] }]);
      assert.equal(record.inputs.type, "CNAME");
      assert.equal(record.inputs.ttl, 60);

      // The record's health check probes this cluster's own load balancer on the health path.
      const check = checks.find((c) => c.id === record.inputs.healthCheckId);
      assert.ok(check, `no health check ${String(record.inputs.healthCheckId)}`);
      assert.equal(q.clusterOf(check), cluster);
      const host = record.inputs.name as string;
      const service = host.startsWith("api.") ? "api" : "web";
      const lb = q
        .inCluster(cluster, "kubernetes:core/v1:Service")
        .find((s) => (s.inputs.metadata as { name: string }).name === service);
      const lbHost = (lb?.outputs?.status as { loadBalancer: { ingress: { hostname: string }[] } })
        .loadBalancer.ingress[0].hostname;
      assert.deepEqual(record.inputs.records, [lbHost]);
      assert.equal(check.inputs.fqdn, lbHost);
      assert.equal(check.inputs.resourcePath, service === "api" ? "/healthz" : "/");
      assert.equal(check.inputs.port, service === "api" ? 8080 : 80);
    }
  });

  it("exports per-cluster state and keeps kubeconfigs secret", () => {
    const outputs = evaluation.outputs;
    assert.equal(outputs.kubeconfigs, "[secret]");
    const clusters = outputs.clusters as {
      name: string;
      weight: number;
      endpoint: string;
      eksClusterName: string;
      kubernetesVersion: string;
      generation: string;
      addons: Record<string, string>;
      ingress: Record<string, string>;
    }[];
    assert.deepEqual(
      clusters.map((c) => c.name),
      CLUSTERS,
    );
    for (const c of clusters) {
      assert.match(c.endpoint, /^https:\/\/[0-9A-F]+\.gr7\.us-east-1\.eks\.amazonaws\.com$/);
      // The EKS cluster's own name, as CloudWatch's ClusterName ({{eksCluster}}) has it: the
      // EKS cluster's name output, not the config's name.
      const [eks] = q.inCluster(c.name, "eks:index:Cluster");
      assert.ok(c.eksClusterName.startsWith(eks.urn.split("::").pop()!), c.eksClusterName);
      assert.notEqual(c.eksClusterName, c.name);
      assert.equal(c.kubernetesVersion, "1.33");
      assert.match(c.generation, /^[0-9a-f]{12}$/);
      assert.deepEqual(Object.keys(c.ingress).sort(), ["api", "web"]);
      assert.equal(c.addons.coredns, "v1.12.1-eksbuild.2");
    }
    for (const provider of q.ofType("pulumi:providers:kubernetes")) {
      assert.equal(provider.inputs.kubeconfig, "[secret]");
    }
    assert.ok(!JSON.stringify(evaluation.resources).includes("get-token"), "kubeconfig leaked");
  });

  it("hardens each cluster: private+restricted endpoint, KMS-encrypted secrets, IMDSv2", () => {
    for (const cluster of q.ofType("eks:index:Cluster")) {
      assert.deepEqual(cluster.inputs.publicAccessCidrs, ["203.0.113.0/24"]);
      assert.equal(cluster.inputs.endpointPrivateAccess, true);
      assert.ok(cluster.inputs.encryptionConfigKeyArn);
    }
    for (const lt of q.ofType("aws:ec2/launchTemplate:LaunchTemplate")) {
      assert.equal((lt.inputs.metadataOptions as { httpTokens: string }).httpTokens, "required");
    }
  });
});

describe("Environment with a shared VPC", () => {
  it("creates no VPC and passes the shared subnets to every cluster", async () => {
    const evaluation = await evaluateFixture(
      environmentFixture({
        clusters: ["a", "b"].map((name) => ({ name })),
        network: {
          mode: "shared-vpc",
          vpcId: "vpc-0abc",
          privateSubnetIds: ["subnet-01", "subnet-02"],
          publicSubnetIds: ["subnet-03", "subnet-04"],
        },
      }),
    );
    const q = query(evaluation);
    assert.equal(q.ofType("aws:ec2/vpc:Vpc").length, 0);
    for (const cluster of q.ofType("eks:index:Cluster")) {
      assert.equal(cluster.inputs.vpcId, "vpc-0abc");
      assert.deepEqual(cluster.inputs.privateSubnetIds, ["subnet-01", "subnet-02"]);
    }
  });
});
