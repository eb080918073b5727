import type { DeployedCluster } from "../../../config/rolloutState";
import type { FakeEvent, FakeOutput } from "./_fakePulumi";

const PROJECT = "active-active";

/** Parent chain of everything in one cluster cell. */
const CELL = "active-active:index:Environment$active-active:index:ClusterCell";

/** A URN as the engine writes it: `urn:pulumi:<stack>::<project>::<type chain>::<name>`. */
export function urn(env: string, typeChain: string, name: string): string {
  return `urn:pulumi:${env}::${PROJECT}::${typeChain}::${name}`;
}

/** The URNs of a few resources of cluster `cluster` in environment `env`. */
export function clusterUrns(env: string, cluster: string) {
  return {
    eks: urn(env, `${CELL}$eks:index:Cluster`, `${env}-${cluster}-eks`),
    nodes: urn(env, `${CELL}$aws:eks/nodeGroup:NodeGroup`, `${env}-${cluster}-nodes`),
    coredns: urn(env, `${CELL}$aws:eks/addon:Addon`, `${env}-${cluster}-coredns`),
    launchTemplate: urn(
      env,
      `${CELL}$aws:ec2/launchTemplate:LaunchTemplate`,
      `${env}-${cluster}-nodes`,
    ),
  };
}

/** The stack's root resource. */
export function stackUrn(env: string): string {
  return urn(env, "pulumi:pulumi:Stack", `${PROJECT}-${env}`);
}

/** The provider reference the steps of {@link stepEvent} name: the engine's default aws provider. */
export const DEFAULT_AWS_PROVIDER = `urn:pulumi:dev::${PROJECT}::pulumi:providers:aws::default_7_0_0::04da6b54-80e4-46f7-96ec-b56ff0331ba9`;

/** One step as a resourcePreEvent, the way the CLI writes it: secrets in state are masked. */
export function stepEvent(op: string, resourceUrn: string, planning = true): FakeEvent {
  const type = resourceUrn.split("::")[2].split("$").pop() as string;
  const state = {
    type,
    urn: resourceUrn,
    custom: true,
    id: op === "create" ? "" : `${type.split(":").pop()}-0123456789`,
    parent: "",
    provider: "",
    inputs: { kubeconfig: "[secret]", tags: { "active-active/environment": "dev" } },
    outputs: {},
  };
  return {
    resourcePreEvent: {
      metadata: {
        op,
        urn: resourceUrn,
        type,
        provider: DEFAULT_AWS_PROVIDER,
        ...(op === "same" ? {} : { old: state, new: state, diffs: ["version"] }),
      },
      ...(planning ? { planning: true } : {}),
    },
  };
}

/** The events of a whole preview or update: prelude, the steps, summary, cancel. */
export function engineEvents(
  steps: ReadonlyArray<readonly [op: string, urn: string]>,
  extra: FakeEvent[] = [],
): FakeEvent[] {
  const counts: Record<string, number> = {};
  for (const [op] of steps) counts[op] = (counts[op] ?? 0) + 1;
  return [
    { preludeEvent: { config: { "active-active:kubernetesVersion": "1.33" } } },
    ...steps.map(([op, u]) => stepEvent(op, u)),
    ...extra,
    {
      summaryEvent: {
        maybeCorrupt: false,
        durationSeconds: 4,
        resourceChanges: counts,
        PolicyPacks: {},
      },
    },
    { cancelEvent: {} },
  ];
}

/** One cluster's deployed state, as the program exports it. */
export function clusterOutputFixture(overrides: Partial<DeployedCluster> = {}): DeployedCluster {
  const name = overrides.name ?? "a";
  return {
    name,
    weight: 1,
    endpoint: `https://${name.toUpperCase()}0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com`,
    kubernetesVersion: "1.33",
    addons: {
      vpcCni: "v1.19.5-eksbuild.1",
      coredns: "v1.12.1-eksbuild.2",
      kubeProxy: "v1.33.0-eksbuild.2",
    },
    kyvernoVersion: "3.4.4",
    generation: `gen-${name}-1`,
    ingress: { web: `web-${name}.elb.us-east-1.amazonaws.com` },
    ...overrides,
  };
}

/** A kubeconfig JSON as @pulumi/eks exports it, with a recognisable secret token inside. */
export function kubeconfigFixture(cluster: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    clusters: [
      {
        cluster: {
          server: `https://${cluster}.eks.example`,
          "certificate-authority-data": `LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUMvakNDQWVhZ0F3SUJBZ0lCQURBTkJna3Foa2lHOXcwQkFRc0ZBREFWTVJNd0VRWURWUVFERXdwcmRXSmwke${cluster}`,
        },
        name: "kubernetes",
      },
    ],
    users: [{ name: "aws", user: { token: `k8s-aws-v1.SECRET-TOKEN-OF-${cluster}` } }],
  });
}

/** The stack outputs the program exports, for clusters a, b, c unless given. */
export function stackOutputsFixture(
  env = "dev",
  clusters: DeployedCluster[] = ["a", "b", "c"].map((name) => clusterOutputFixture({ name })),
): Record<string, FakeOutput> {
  return {
    environment: { value: env },
    clusters: { value: clusters },
    kubeconfigs: {
      value: Object.fromEntries(clusters.map((c) => [c.name, kubeconfigFixture(c.name)])),
      secret: true,
    },
  };
}
