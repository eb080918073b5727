import type { ClusterCapacity, ServiceLoad } from "../capacity/absorb";
import type { ClusterSpec } from "../config/clusters";
import type { DeployedCluster } from "../config/rolloutState";
/**
 * Small factories for test inputs. Each returns a fresh, valid value; tests change one field.
 */

/** One service as written in a stack file. */
export function serviceFixture(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "api",
    image: "ghcr.io/acme/api:1.0.0",
    replicas: 2,
    port: 8080,
    healthPath: "/healthz",
    resources: { requests: { cpu: "100m", memory: "128Mi" } },
    env: { LOG_LEVEL: "info" },
    ...overrides,
  };
}

/** One cluster as written in a stack file. */
export function clusterFixture(
  name: string,
  index: number,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return { name, weight: 1, cidr: `10.${index + 1}.0.0/16`, ...overrides };
}

/** The `active-active:` keys of a valid environment (namespace stripped). */
export function environmentFixture(
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    kubernetesVersion: "1.33",
    clusters: ["a", "b", "c"].map((name, i) => clusterFixture(name, i)),
    addons: {
      vpcCni: "v1.19.5-eksbuild.1",
      coredns: "v1.12.1-eksbuild.2",
      kubeProxy: "v1.33.0-eksbuild.2",
    },
    kyverno: { repository: "https://kyverno.github.io/kyverno/", version: "3.4.4" },
    nodeGroup: { instanceTypes: ["m6i.large"], minSize: 2, desiredSize: 2, maxSize: 4 },
    network: { mode: "vpc-per-cluster", availabilityZones: 2, natGateways: "single" },
    apiAccess: { publicAccessCidrs: ["203.0.113.0/24"] },
    dns: {
      hostedZoneId: "Z0TEST0000EXAMPLE",
      zoneName: "test.example.com",
      hostnames: [{ hostname: "api.test.example.com", service: "api" }],
    },
    services: [serviceFixture()],
    ...overrides,
  };
}

/** A stack file's `config:` map: the environment under its namespace, plus provider config. */
export function stackConfigFixture(
  env: Record<string, unknown> = environmentFixture(),
): Record<string, unknown> {
  const config: Record<string, unknown> = {
    "aws:region": "us-east-1",
    "pulumi:disable-default-providers": ["kubernetes"],
  };
  for (const [key, value] of Object.entries(env)) config[`active-active:${key}`] = value;
  return config;
}

/** What the stack outputs say about each cluster after deploying these specs. */
export function deployedFrom(specs: ClusterSpec[]): DeployedCluster[] {
  return specs.map((s) => ({
    name: s.name,
    weight: s.weight,
    kubernetesVersion: s.settings.kubernetesVersion,
    addons: s.settings.addons,
    generation: s.generation,
    settings: s.settings,
    ingress: {},
  }));
}

/** One service's load on one cluster, for the capacity arithmetic: 2 replicas of 250m/256Mi, HPA to 4. */
export function serviceLoadFixture(more: Partial<ServiceLoad> = {}): ServiceLoad {
  return { service: "api", replicas: 2, maxReplicas: 4, cpuMilli: 250, memoryMiB: 256, ...more };
}

/** One cluster's capacity at weight 1, running {@link serviceLoadFixture}, with room to spare. */
export function clusterCapacityFixture(
  name: string,
  more: Partial<ClusterCapacity> = {},
): ClusterCapacity {
  return {
    cluster: name,
    weight: 1,
    services: [serviceLoadFixture()],
    headroom: { cpuMilli: 2000, memoryMiB: 4096 },
    ...more,
  };
}

/**
 * The "web" service's Deployment spec as a program declares it on each cluster: 2 replicas of
 * 250m CPU and 256Mi memory.
 */
export function webDeploymentSpec(): Record<string, unknown> {
  return {
    replicas: 2,
    template: {
      spec: {
        containers: [
          {
            name: "web",
            image: "ghcr.io/acme/web:2.3.1",
            resources: { requests: { cpu: "250m", memory: "256Mi" } },
          },
        ],
      },
    },
  };
}

/** The spec of the HPA that scales the "web" Deployment from 2 to 4 replicas. */
export function webHpaSpec(): Record<string, unknown> {
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
    minReplicas: 2,
    maxReplicas: 4,
  };
}
