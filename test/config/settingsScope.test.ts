import * as assert from "node:assert/strict";
import { planClusters } from "../../config/clusters";
import { parseEnvironment } from "../../config/load";
import { clusterSettingsSchema, recordedSettingsSchema } from "../../config/rolloutState";
import { clusterSchema, environmentSchema } from "../../config/schema";
import {
  CLUSTER_ENTRY_CLUSTER_KEYS,
  CLUSTER_ENTRY_KEY_SCOPE,
  ENVIRONMENT_CLUSTER_KEYS,
  ENVIRONMENT_KEY_SCOPE,
} from "../../config/settingsScope";
import { clusterFixture, environmentFixture, serviceFixture } from "../_fixtures";

const generations = (overrides: Record<string, unknown> = {}) =>
  planClusters(parseEnvironment("test", environmentFixture(overrides), "test").config).map(
    (c) => c.generation,
  );

const sorted = (keys: string[]) => [...keys].sort();

/**
 * One change per key of the environment config (`clusters` is its entries, below). Typed over
 * the classification table, so a key added there needs a case here too.
 */
const ENVIRONMENT_CHANGE: Record<keyof typeof ENVIRONMENT_KEY_SCOPE, Record<string, unknown>> = {
  minClusters: { minClusters: 3 },
  kubernetesVersion: {
    kubernetesVersion: "1.34",
    addons: {
      vpcCni: "v1.19.5-eksbuild.1",
      coredns: "v1.12.1-eksbuild.2",
      kubeProxy: "v1.34.0-eksbuild.1",
    },
  },
  clusters: {},
  addons: {
    addons: {
      vpcCni: "v1.19.6-eksbuild.1",
      coredns: "v1.12.1-eksbuild.2",
      kubeProxy: "v1.33.0-eksbuild.2",
    },
  },
  addonMatrix: {
    addonMatrix: {
      "1.32": {
        vpcCni: ["v1.19.2-eksbuild.1"],
        coredns: ["v1.11.4-eksbuild.2"],
        kubeProxy: ["v1.32.0-eksbuild.2"],
      },
    },
  },
  kyverno: { kyverno: { repository: "https://kyverno.github.io/kyverno/", version: "3.5.0" } },
  nodeGroup: {
    nodeGroup: { instanceTypes: ["m6i.xlarge"], minSize: 2, desiredSize: 2, maxSize: 4 },
  },
  network: { network: { mode: "vpc-per-cluster", availabilityZones: 3, natGateways: "single" } },
  apiAccess: { apiAccess: { publicAccessCidrs: ["198.51.100.0/24"] } },
  access: { access: [{ principalArn: "arn:aws:iam::123456789012:role/ops", policy: "view" }] },
  namespace: { namespace: "web" },
  dns: {
    dns: {
      hostedZoneId: "Z0TEST0000EXAMPLE",
      zoneName: "test.example.com",
      ttl: 30,
      hostnames: [{ hostname: "api.test.example.com", service: "api" }],
    },
  },
  services: { services: [serviceFixture({ image: "ghcr.io/acme/api:1.1.0" })] },
  rollout: { rollout: { rampPercent: [25, 100] } },
  costs: { costs: { hoursPerMonth: 720 } },
  gates: { gates: { prometheus: { url: "http://prometheus.monitoring:9090" } } },
};

describe("which config keys are part of a cluster's settings", () => {
  it("classifies every key of the environment config and of a cluster entry", () => {
    assert.deepEqual(
      sorted(Object.keys(ENVIRONMENT_KEY_SCOPE)),
      sorted(Object.keys(environmentSchema.shape)),
    );
    assert.deepEqual(
      sorted(Object.keys(CLUSTER_ENTRY_KEY_SCOPE)),
      sorted(Object.keys(clusterSchema.shape)),
    );
  });

  it("puts exactly the cluster-scoped keys into each cluster's settings", () => {
    // Every optional key set, so that each one shows.
    const entry = { region: "us-west-2", roleArn: "arn:aws:iam::210987654321:role/deployer" };
    const [a] = planClusters(
      parseEnvironment(
        "test",
        environmentFixture({
          clusters: [clusterFixture("a", 0, entry), clusterFixture("b", 1)],
          access: [{ principalArn: "arn:aws:iam::123456789012:role/ops", policy: "view" }],
        }),
        "test",
      ).config,
    );
    assert.deepEqual(
      sorted(Object.keys(a.settings)),
      sorted([...new Set([...ENVIRONMENT_CLUSTER_KEYS, ...CLUSTER_ENTRY_CLUSTER_KEYS])]),
    );
  });

  for (const [key, change] of Object.entries(ENVIRONMENT_CHANGE)) {
    const scope = ENVIRONMENT_KEY_SCOPE[key as keyof typeof ENVIRONMENT_KEY_SCOPE];
    if (scope === "per-cluster") continue;
    it(`${scope === "cluster" ? "changes" : "keeps"} every generation when ${key} changes`, () => {
      const before = generations();
      const after = generations(change);
      after.forEach((g, i) => {
        if (scope === "cluster") assert.notEqual(g, before[i]);
        else assert.equal(g, before[i]);
      });
    });
  }

  it("changes only b's generation when b's own entry changes a cluster-scoped key", () => {
    const before = generations();
    for (const entry of [
      { cidr: "10.9.0.0/16" },
      { kubernetesVersion: "1.34" },
      { region: "us-west-2" },
      { roleArn: "arn:aws:iam::210987654321:role/deployer" },
    ]) {
      const after = generations({
        clusters: [clusterFixture("a", 0), clusterFixture("b", 1, entry), clusterFixture("c", 2)],
      });
      assert.deepEqual(
        after.map((g, i) => g !== before[i]),
        [false, true, false],
        JSON.stringify(entry),
      );
    }
  });

  it("keeps the generations of clusters that set no region or role (as before they existed)", () => {
    // Recorded before clusters[].region and roleArn were added: unset keys leave no trace.
    assert.deepEqual(generations(), ["2014bce86a44", "013de76a4dc7", "4420008aca52"]);
  });

  it("keeps generations when a cluster's weight or the order of services changes", () => {
    const two = [serviceFixture(), serviceFixture({ name: "web", port: 80 })];
    assert.deepEqual(
      generations({
        clusters: [clusterFixture("a", 0, { weight: 0 }), clusterFixture("b", 1)],
        services: two,
      }),
      generations({
        clusters: [clusterFixture("a", 0), clusterFixture("b", 1)],
        services: [...two].reverse(),
      }),
    );
  });

  it("validates the settings it exports, as recorded, and accepts those of earlier versions", () => {
    const [a] = planClusters(parseEnvironment("test", environmentFixture(), "test").config);
    const exported = JSON.parse(JSON.stringify(a.settings)) as Record<string, unknown>;
    assert.deepEqual(clusterSettingsSchema.parse(exported), a.settings);
    const legacy = Object.fromEntries(
      Object.entries(exported).filter(([k]) => !["namespace", "services", "cidr"].includes(k)),
    );
    assert.equal(clusterSettingsSchema.safeParse(legacy).success, false);
    const read = recordedSettingsSchema.parse(legacy);
    assert.deepEqual(sorted(Object.keys(read)), sorted(Object.keys(legacy)));
  });
});
