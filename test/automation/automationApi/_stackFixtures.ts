import type { OpType } from "@pulumi/pulumi/automation";
import type { DeployedCluster } from "../../../config/rolloutState";
import type { FakeEvent, FakeOutput } from "./_fakePulumi";
import {
  providerRef,
  realisticStream,
  stackOf,
  stepEvents,
  type InternalSteps,
} from "./_realEvents";

const PROJECT = "active-active";

/** Parent chain of everything in one cluster cell. */
const CELL = "active-active:index:Environment$active-active:index:ClusterCell";

/** A URN as the engine writes it: `urn:pulumi:<stack>::<project>::<type chain>::<name>`. */
export function urn(env: string, typeChain: string, name: string): string {
  return `urn:pulumi:${env}::${PROJECT}::${typeChain}::${name}`;
}

/** The environment component, parent of every cluster cell. */
export function environmentUrn(env: string): string {
  return urn(env, "active-active:index:Environment", env);
}

/**
 * The URNs of a few resources of cluster `cluster` in environment `env`, as the program names
 * them (`aa check <env> --json` lists them all).
 */
export function clusterUrns(env: string, cluster: string) {
  const k8sProvider = urn(env, `${CELL}$pulumi:providers:kubernetes`, `${env}-${cluster}-k8s`);
  return {
    /** The cluster's cell, parent of the resources below but `eksCluster`. */
    cell: urn(env, CELL, `${env}-${cluster}`),
    /** The @pulumi/eks cluster: a remote component (the eks provider registers its children). */
    eks: urn(env, `${CELL}$eks:index:Cluster`, `${env}-${cluster}-eks`),
    /**
     * The EKS control plane, a child of `eks` that the eks provider registers: real engine events
     * name it, the program evaluated offline (under Pulumi's mocks) does not.
     */
    eksCluster: urn(
      env,
      `${CELL}$eks:index:Cluster$aws:eks/cluster:Cluster`,
      `${env}-${cluster}-eks-eksCluster`,
    ),
    /** The cluster's own Kubernetes provider (the stack files disable the default one). */
    k8sProvider,
    /** Its provider reference, as the state of a Kubernetes resource on this cluster carries it. */
    k8sProviderRef: providerRef(k8sProvider),
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

/**
 * The parent of one of this program's resources, from how the program names them: a cell's
 * resources are `<env>-<cluster>-...`, a ClusterNetwork's `<env>-<cluster>-net-...`, the eks
 * component's children `<env>-<cluster>-eks-...`, a ServiceFleet's and a TrafficSplit's
 * `<fleet or hostname>-<cluster>`. "" for the Stack.
 */
export function parentOf(resourceUrn: string): string {
  const [head, project, chain, ...rest] = resourceUrn.split("::");
  const env = head.replace(/^urn:pulumi:/, "");
  const name = rest.join("::");
  const types = chain.split("$");
  if (types.length === 1) return types[0] === "pulumi:pulumi:Stack" ? "" : stackUrn(env);
  const cluster = () => name.slice(env.length + 1).split("-")[0];
  const parentNames: Record<string, () => string> = {
    "active-active:index:Environment": () => env,
    "active-active:index:ClusterCell": () => `${env}-${cluster()}`,
    "active-active:index:ClusterNetwork": () => `${env}-${cluster()}-net`,
    "eks:index:Cluster": () => `${env}-${cluster()}-eks`,
    "active-active:index:ServiceFleet": () => name.slice(0, name.lastIndexOf("-")),
    "active-active:index:TrafficSplit": () => name.slice(0, name.lastIndexOf("-")),
  };
  const parentType = types[types.length - 2];
  const parentName = parentNames[parentType];
  if (!parentName) throw new Error(`parentOf: no naming rule for children of ${parentType}`);
  return `urn:pulumi:${env}::${project}::${types.slice(0, -1).join("$")}::${parentName()}`;
}

/**
 * One step's resourcePreEvent as a real CLI sends it: a recorded event with this step's
 * identity (see _realEvents.ts), parent and provider in its old and new state, secrets masked.
 */
export function stepEvent(op: string, resourceUrn: string, planning = true): FakeEvent {
  return stepEvents(
    { op: op as OpType, urn: resourceUrn, parent: parentOf(resourceUrn) },
    { preview: planning, stack: stackOf(resourceUrn) },
  ).pre;
}

/** Options of {@link engineEvents}. */
export interface EngineEventsOptions {
  /** A preview (`planning` events) or an update. @default true */
  preview?: boolean;
  /** @default the stack of the first step's URN, else "dev" */
  stack?: string;
  /** @default { defaultProviders: "same" } (see {@link InternalSteps}) */
  internal?: InternalSteps;
}

/**
 * The events of a whole preview or update as a real CLI sends them (see realisticStream in
 * _realEvents.ts): prelude, the Stack's step (a `same` one unless `steps` has one), default
 * providers' steps, each step's pre and outputs events, `extra`, summary, cancel. Parents come
 * from {@link parentOf}.
 */
export function engineEvents(
  steps: ReadonlyArray<readonly [op: string, urn: string]>,
  extra: FakeEvent[] = [],
  opts: EngineEventsOptions = {},
): FakeEvent[] {
  return realisticStream(
    steps.map(([op, u]) => ({ op: op as OpType, urn: u, parent: parentOf(u) })),
    {
      preview: opts.preview ?? true,
      stack: opts.stack ?? (steps.length ? stackOf(steps[0][1]) : "dev"),
      extra,
      ...(opts.internal ? { internal: opts.internal } : {}),
    },
  );
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
