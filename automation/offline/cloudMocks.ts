import type * as pulumi from "@pulumi/pulumi";
import {
  eksCluster,
  eksManagedNodeGroup,
  eksNodeGroup,
  kubeconfigOf,
  type Companion,
  type EksClusterFacts,
} from "./_eksComponents";
import { ACCOUNT, hash, ip, referencedUrn, uuid } from "./_wire";

type MockResourceArgs = pulumi.runtime.MockResourceArgs;
type MockCallArgs = pulumi.runtime.MockCallArgs;
type MockResourceResult = pulumi.runtime.MockResourceResult;

/** A registration as the recording monitor hands it over: also its URN and its wire inputs. */
export interface OfflineResourceArgs extends MockResourceArgs {
  urn: string;
  /** The inputs as they came over the wire (resource references `{sig, urn, id}`). */
  wire: Record<string, unknown>;
}

/** A call of a component's method (`cluster.getKubeconfig()`): the component's URN too. */
export interface OfflineCallArgs extends MockCallArgs {
  /** The URN of the component whose method is called (`__self__`). */
  self?: string;
}

/** An answer, with the children of a remote component that the program may hold references to. */
export type OfflineAnswer = MockResourceResult & { companions?: Companion[] };

/**
 * What AWS, EKS and Kubernetes would answer, offline: realistic ids, ARNs, endpoints, kubeconfigs
 * and load balancer hostnames, derived deterministically from each resource's type and name so
 * that two runs of the same config produce the same graph. Each answer is made in the region of
 * the AWS provider the resource or call uses: an explicit provider's `region`, else the stack's.
 */
export class CloudMocks implements pulumi.runtime.Mocks {
  /** Region of each explicit AWS provider, by the id this mock gave it. */
  private readonly providerRegions = new Map<string, string>();
  /**
   * The IAM role of each Kubernetes service account annotated with one (IAM roles for service
   * accounts), by its provider reference and "namespace/name": its pods get the role's credentials.
   */
  private readonly serviceAccountRoles = new Map<string, string>();
  /** What each `eks:index:Cluster` answered, by its URN: its node groups and calls read it. */
  private readonly eksClusters = new Map<string, EksClusterFacts>();

  /**
   * @param region the AWS region of the default provider (the stack's `aws:region`)
   * @param deployed the stack outputs of the previous deployment, which the program reads back
   *   through a StackReference to itself; `{}` is a stack never deployed
   */
  constructor(
    private readonly region: string,
    private readonly deployed: Record<string, unknown> = {},
  ) {}

  /** The region of a provider reference ("urn::id"); the stack's for the default provider. */
  private regionOf(provider: string | undefined): string {
    const id = provider?.slice(provider.lastIndexOf("::") + 2);
    return (id && this.providerRegions.get(id)) || this.region;
  }

  call(args: OfflineCallArgs): Record<string, unknown> {
    const region = this.regionOf(args.provider);
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    switch (args.token) {
      case "eks:index:Cluster/getKubeconfig": {
        const cluster = args.self ? this.eksClusters.get(args.self) : undefined;
        if (!cluster) return {};
        const text = (v: unknown) => (typeof v === "string" ? v : undefined);
        return {
          result: JSON.stringify(
            kubeconfigOf({
              ...cluster,
              roleArn: text(inputs.roleArn),
              profileName: text(inputs.profileName),
            }),
          ),
        };
      }
      case "aws:ec2/getSecurityGroup:getSecurityGroup": {
        const filters = Array.isArray(inputs.filters) ? (inputs.filters as unknown[]) : [];
        const byFilter = filters
          .map((f) => f as { name?: unknown; values?: unknown })
          .find((f) => f.name === "group-id" && Array.isArray(f.values))?.values as unknown[];
        const given = [inputs.id, byFilter?.[0]].find((v) => typeof v === "string");
        const id =
          typeof given === "string" ? given : `sg-${hash(JSON.stringify(inputs)).slice(0, 17)}`;
        return {
          id,
          arn: `arn:aws:ec2:${region}:${ACCOUNT}:security-group/${id}`,
          name: typeof inputs.name === "string" ? inputs.name : `eks-cluster-sg-${id}`,
          description:
            "EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as any managed workloads.",
          vpcId: `vpc-${hash(`vpc-of:${id}`).slice(0, 17)}`,
          tags: {},
        };
      }
      case "aws:iam/getPolicyDocument:getPolicyDocument":
        return { id: hash(JSON.stringify(inputs)).slice(0, 10), json: policyDocument(inputs) };
      case "aws:index/getAvailabilityZones:getAvailabilityZones": {
        const letters = ["a", "b", "c", "d", "e", "f"];
        return {
          id: region,
          names: letters.map((l) => `${region}${l}`),
          zoneIds: letters.map((_, i) => `${zoneIdPrefix(region)}-az${i + 1}`),
          groupNames: [region],
        };
      }
      case "aws:index/getRegion:getRegion":
        return { id: region, name: region, region };
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          accountId: ACCOUNT,
          arn: `arn:aws:iam::${ACCOUNT}:user/offline`,
          userId: "AIDAOFFLINE",
        };
      case "aws:index/getPartition:getPartition":
        return { partition: "aws", dnsSuffix: "amazonaws.com" };
      default:
        return {};
    }
  }

  newResource(args: OfflineResourceArgs): OfflineAnswer {
    const h = (n = 17) => hash(`${args.type}::${args.name}`).slice(0, n);
    const inputs = args.inputs as Record<string, unknown>;
    const region = this.regionOf(args.provider);
    const arn = (service: string, resource: string) =>
      `arn:aws:${service}:${region}:${ACCOUNT}:${resource}`;

    switch (args.type) {
      case "pulumi:pulumi:StackReference":
        return ok(text(inputs.name, args.name), inputs, {
          outputs: this.deployed,
          secretOutputNames: [],
        });
      case "pulumi:providers:aws": {
        const id = uuid(h(32));
        if (typeof inputs.region === "string") this.providerRegions.set(id, inputs.region);
        return ok(id, inputs);
      }
      case "pulumi:providers:kubernetes": {
        // Its cluster's region, from the `--region` its kubeconfig's `aws eks get-token` names:
        // the load balancers it creates are there.
        const id = uuid(h(32));
        const kubeconfig = unwrapSecret(inputs.kubeconfig);
        const named = /"--region","([a-z0-9-]+)"/.exec(
          typeof kubeconfig === "string" ? kubeconfig.replace(/\s/g, "") : "",
        );
        if (named) this.providerRegions.set(id, named[1]);
        return ok(id, inputs);
      }
      case "eks:index:Cluster": {
        const { answer, facts } = eksCluster({ ...this.component(args), region });
        this.eksClusters.set(args.urn, facts);
        for (const c of answer.companions) {
          if (c.urn.split("::")[2].endsWith("$pulumi:providers:kubernetes")) {
            this.providerRegions.set(c.id, region);
          }
        }
        return ok(answer.id, inputs, answer.state, answer.companions);
      }
      case "eks:index:NodeGroup":
      case "eks:index:NodeGroupV2":
      case "eks:index:ManagedNodeGroup": {
        const registration = { ...this.component(args), region };
        const cluster = this.eksClusters.get(referencedUrn(args.wire.cluster) ?? "");
        const answer =
          args.type === "eks:index:ManagedNodeGroup"
            ? eksManagedNodeGroup(registration, cluster)
            : eksNodeGroup(registration, cluster);
        return ok(answer.id, inputs, answer.state, answer.companions);
      }
      case "aws:ec2/vpc:Vpc":
        return ok(`vpc-${h()}`, inputs, {
          arn: arn("ec2", `vpc/vpc-${h()}`),
          defaultRouteTableId: `rtb-${h()}`,
        });
      case "aws:ec2/subnet:Subnet":
        return ok(`subnet-${h()}`, inputs, { arn: arn("ec2", `subnet/subnet-${h()}`) });
      case "aws:ec2/internetGateway:InternetGateway":
        return ok(`igw-${h()}`, inputs);
      case "aws:ec2/eip:Eip":
        return ok(`eipalloc-${h()}`, inputs, {
          allocationId: `eipalloc-${h()}`,
          publicIp: ip(h()),
        });
      case "aws:ec2/natGateway:NatGateway":
        return ok(`nat-${h()}`, inputs);
      case "aws:ec2/routeTable:RouteTable":
        return ok(`rtb-${h()}`, inputs);
      case "aws:ec2/launchTemplate:LaunchTemplate":
        return ok(`lt-${h()}`, inputs, {
          latestVersion: 1,
          defaultVersion: 1,
          arn: arn("ec2", `launch-template/lt-${h()}`),
        });
      case "aws:kms/key:Key":
        return ok(uuid(h(32)), inputs, {
          keyId: uuid(h(32)),
          arn: arn("kms", `key/${uuid(h(32))}`),
        });
      case "aws:iam/role:Role":
        return ok(args.name, inputs, {
          name: args.name,
          arn: `arn:aws:iam::${ACCOUNT}:role/${args.name}`,
          uniqueId: `AROA${h().toUpperCase()}`,
        });
      case "aws:eks/nodeGroup:NodeGroup":
        return ok(`${String(inputs.clusterName)}:${args.name}`, inputs, {
          arn: arn("eks", `nodegroup/${String(inputs.clusterName)}/${args.name}/${uuid(h(32))}`),
          status: "ACTIVE",
        });
      case "aws:eks/addon:Addon":
        return ok(`${String(inputs.clusterName)}:${String(inputs.addonName)}`, inputs, {
          arn: arn(
            "eks",
            `addon/${String(inputs.clusterName)}/${String(inputs.addonName)}/${uuid(h(32))}`,
          ),
        });
      case "aws:route53/healthCheck:HealthCheck":
        return ok(uuid(h(32)), inputs, { arn: `arn:aws:route53:::healthcheck/${uuid(h(32))}` });
      case "aws:route53/record:Record":
        return ok(
          `${String(inputs.zoneId)}_${String(inputs.name)}_${String(inputs.type)}_${text(inputs.setIdentifier, "")}`,
          inputs,
          { fqdn: inputs.name },
        );
      case "kubernetes:core/v1:ServiceAccount": {
        const account = named(args, h(8));
        const key = `${namespaceOf(account)}/${nameOf(account, args.name)}`;
        const role = (account.metadata as { annotations?: Record<string, unknown> }).annotations?.[
          "eks.amazonaws.com/role-arn"
        ];
        if (typeof role === "string") this.serviceAccountRoles.set(`${args.provider}|${key}`, role);
        return ok(key, account);
      }
      case "kubernetes:core/v1:Pod": {
        const pod = named(args, h(8));
        const key = `${namespaceOf(pod)}/${nameOf(pod, args.name)}`;
        const spec = (pod.spec ?? {}) as { serviceAccountName?: unknown };
        const role = this.serviceAccountRoles.get(
          `${args.provider}|${namespaceOf(pod)}/${String(spec.serviceAccountName)}`,
        );
        return ok(key, role ? withWebIdentity(pod, role, region) : pod);
      }
      case "kubernetes:core/v1:Service": {
        const service = named(args, h(8));
        return ok(`${namespaceOf(service)}/${nameOf(service, args.name)}`, service, {
          status: {
            loadBalancer: {
              ingress: [{ hostname: `a${h(32)}-${h(8)}.elb.${region}.amazonaws.com` }],
            },
          },
        });
      }
      default:
        if (args.type.startsWith("kubernetes:")) {
          const withName = named(args, h(8));
          return ok(`${namespaceOf(withName)}/${nameOf(withName, args.name)}`, withName);
        }
        if (args.type.startsWith("pulumi:providers:")) return ok(uuid(h(32)), inputs);
        return ok(
          `${args.name}-${h(8)}`,
          inputs,
          args.type.startsWith("aws:") ? { arn: arn("svc", `${args.name}-${h(8)}`) } : {},
        );
    }
  }

  /** A remote component's registration, as its answer needs it. */
  private component(args: OfflineResourceArgs) {
    return {
      type: args.type,
      name: args.name,
      urn: args.urn,
      inputs: args.inputs as Record<string, unknown>,
      wire: args.wire,
      provider: args.provider,
    };
  }
}

/** The prefix of a region's availability zone ids: "use1" for us-east-1, "usw2" for us-west-2. */
function zoneIdPrefix(region: string): string {
  const [area, ...rest] = region.split("-");
  const number = rest.pop() ?? "";
  return `${area}${rest.map((part) => part[0]).join("")}${number}`;
}

/** A value as the mock runtime hands it over: a secret arrives wrapped, `{<sig>, value}`. */
function unwrapSecret(value: unknown): unknown {
  return value && typeof value === "object" && "value" in value ? value.value : value;
}

function ok(
  id: string,
  inputs: Record<string, unknown>,
  extra: Record<string, unknown> = {},
  companions?: Companion[],
): OfflineAnswer {
  return { id, state: { ...inputs, ...extra }, ...(companions ? { companions } : {}) };
}

/**
 * The JSON policy document `aws.iam.getPolicyDocument` renders from its `statements`, as IAM
 * writes it.
 */
function policyDocument(inputs: Record<string, unknown>): string {
  type Statement = {
    sid?: string;
    effect?: string;
    actions?: unknown[];
    resources?: unknown[];
    principals?: { type?: string; identifiers?: unknown[] }[];
    conditions?: { test?: string; variable?: string; values?: unknown[] }[];
  };
  const statements = (Array.isArray(inputs.statements) ? inputs.statements : []) as Statement[];
  const one = (list: unknown[] | undefined) => (list && list.length === 1 ? list[0] : list);
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: statements.map((s) => ({
      ...(s.sid ? { Sid: s.sid } : {}),
      Effect: s.effect ?? "Allow",
      ...(s.actions ? { Action: one(s.actions) } : {}),
      ...(s.resources ? { Resource: one(s.resources) } : {}),
      ...(s.principals
        ? {
            Principal: Object.fromEntries(
              s.principals.map((p) => [p.type ?? "AWS", one(p.identifiers)]),
            ),
          }
        : {}),
      ...(s.conditions
        ? {
            Condition: Object.fromEntries(
              s.conditions.map((c) => [
                c.test ?? "StringEquals",
                { [c.variable ?? ""]: one(c.values) },
              ]),
            ),
          }
        : {}),
    })),
  });
}

/** An input as text (`String` of it), or `fallback` when it is missing (null or undefined). */
function text(v: unknown, fallback: string): string {
  const value: unknown = v ?? fallback;
  return String(value);
}

/**
 * A pod as EKS's pod identity webhook admits it when its service account has an IAM role: each
 * container gets the role and the path of the projected web identity token in its environment,
 * and the token mounted.
 */
function withWebIdentity(
  pod: Record<string, unknown>,
  roleArn: string,
  region: string,
): Record<string, unknown> {
  const spec = (pod.spec ?? {}) as { containers?: Record<string, unknown>[]; volumes?: unknown[] };
  const tokenDir = "/var/run/secrets/eks.amazonaws.com/serviceaccount";
  const env = [
    { name: "AWS_STS_REGIONAL_ENDPOINTS", value: "regional" },
    { name: "AWS_DEFAULT_REGION", value: region },
    { name: "AWS_REGION", value: region },
    { name: "AWS_ROLE_ARN", value: roleArn },
    { name: "AWS_WEB_IDENTITY_TOKEN_FILE", value: `${tokenDir}/token` },
  ];
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? (v as unknown[]) : []);
  return {
    ...pod,
    spec: {
      ...spec,
      containers: (list(spec.containers) as Record<string, unknown>[]).map((c) => ({
        ...c,
        env: [...list(c.env), ...env],
        volumeMounts: [
          ...list(c.volumeMounts),
          { name: "aws-iam-token", mountPath: tokenDir, readOnly: true },
        ],
      })),
      volumes: [
        ...list(spec.volumes),
        {
          name: "aws-iam-token",
          projected: {
            sources: [
              {
                serviceAccountToken: {
                  audience: "sts.amazonaws.com",
                  expirationSeconds: 86400,
                  path: "token",
                },
              },
            ],
          },
        },
      ],
    },
  };
}

/**
 * A Kubernetes object's inputs with `metadata.name` as the API server returns it: when the
 * program gives none, the provider names the object after the resource, with a random suffix.
 */
function named(args: MockResourceArgs, suffix: string): Record<string, unknown> {
  const inputs = args.inputs as Record<string, unknown>;
  const meta = inputs.metadata;
  const nameable =
    args.custom !== false &&
    !args.type.startsWith("kubernetes:helm.sh/") &&
    (meta === undefined || (typeof meta === "object" && meta !== null && !Array.isArray(meta)));
  if (!nameable || typeof (meta as { name?: unknown } | undefined)?.name === "string")
    return inputs;
  return { ...inputs, metadata: { ...(meta as object), name: `${args.name}-${suffix}` } };
}

function nameOf(inputs: Record<string, unknown>, fallback: string): string {
  const meta = inputs.metadata as { name?: unknown } | undefined;
  return typeof meta?.name === "string"
    ? meta.name
    : typeof inputs.name === "string"
      ? inputs.name
      : fallback;
}

function namespaceOf(inputs: Record<string, unknown>): string {
  const meta = inputs.metadata as { namespace?: unknown } | undefined;
  if (typeof meta?.namespace === "string") return meta.namespace;
  if (typeof inputs.namespace === "string") return inputs.namespace;
  return "default";
}
