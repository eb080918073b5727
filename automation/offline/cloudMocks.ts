import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";

type MockResourceArgs = pulumi.runtime.MockResourceArgs;
type MockCallArgs = pulumi.runtime.MockCallArgs;
type MockResourceResult = pulumi.runtime.MockResourceResult;

const ACCOUNT = "123456789012";

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

  call(args: MockCallArgs): Record<string, unknown> {
    const region = this.regionOf(args.provider);
    switch (args.token) {
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

  newResource(args: MockResourceArgs): MockResourceResult {
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
      case "eks:index:Cluster":
        return this.eksCluster(args.name, inputs, region);
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
      case "kubernetes:core/v1:Service":
        return ok(`${namespaceOf(inputs)}/${nameOf(inputs, args.name)}`, inputs, {
          status: {
            loadBalancer: {
              ingress: [{ hostname: `a${h(32)}-${h(8)}.elb.${region}.amazonaws.com` }],
            },
          },
        });
      default:
        if (args.type.startsWith("kubernetes:")) {
          return ok(`${namespaceOf(inputs)}/${nameOf(inputs, args.name)}`, inputs);
        }
        if (args.type.startsWith("pulumi:providers:")) return ok(uuid(h(32)), inputs);
        return ok(
          `${args.name}-${h(8)}`,
          inputs,
          args.type.startsWith("aws:") ? { arn: arn("svc", `${args.name}-${h(8)}`) } : {},
        );
    }
  }

  private eksCluster(
    name: string,
    inputs: Record<string, unknown>,
    region: string,
  ): MockResourceResult {
    const eksName = `${name}-${hash(name).slice(0, 7)}`;
    const endpoint = `https://${hash(`endpoint:${name}`).slice(0, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`;
    const roleArn = (inputs.providerCredentialOpts as { roleArn?: unknown } | undefined)?.roleArn;
    const ca = Buffer.from(`offline certificate authority for ${eksName}`).toString("base64");
    const kubeconfig = {
      apiVersion: "v1",
      kind: "Config",
      clusters: [
        { name: "kubernetes", cluster: { server: endpoint, "certificate-authority-data": ca } },
      ],
      contexts: [{ name: "aws", context: { cluster: "kubernetes", user: "aws" } }],
      "current-context": "aws",
      preferences: {},
      users: [
        {
          name: "aws",
          user: {
            exec: {
              apiVersion: "client.authentication.k8s.io/v1beta1",
              command: "aws",
              // As @pulumi/eks 4.3.0 writes them (nodejs/eks/cluster/cluster.ts,
              // generateKubeconfig): the region of the cluster's ARN, and the role of
              // `providerCredentialOpts` when there is one.
              args: [
                "--region",
                region,
                "eks",
                "get-token",
                "--cluster-name",
                eksName,
                "--output",
                "json",
                ...(typeof roleArn === "string" ? ["--role", roleArn] : []),
              ],
              env: [
                {
                  name: "KUBERNETES_EXEC_INFO",
                  value: '{"apiVersion": "client.authentication.k8s.io/v1beta1"}',
                },
              ],
            },
          },
        },
      ],
    };
    const arn = `arn:aws:eks:${region}:${ACCOUNT}:cluster/${eksName}`;
    const eksCluster = {
      name: eksName,
      arn,
      endpoint,
      version: inputs.version ?? "1.33",
      platformVersion: "eks.1",
      status: "ACTIVE",
      certificateAuthority: { data: ca },
      vpcConfig: {
        vpcId: inputs.vpcId,
        subnetIds: [...asList(inputs.privateSubnetIds), ...asList(inputs.publicSubnetIds)],
        endpointPrivateAccess: inputs.endpointPrivateAccess,
        endpointPublicAccess: inputs.endpointPublicAccess,
        publicAccessCidrs: inputs.publicAccessCidrs ?? [],
      },
      encryptionConfig: inputs.encryptionConfigKeyArn
        ? { provider: { keyArn: inputs.encryptionConfigKeyArn }, resources: ["secrets"] }
        : undefined,
    };
    // @pulumi/eks marks kubeconfigs secret; so does this answer.
    return ok(eksName, inputs, {
      kubeconfig: pulumi.secret(kubeconfig),
      kubeconfigJson: pulumi.secret(JSON.stringify(kubeconfig)),
      eksCluster,
      core: { endpoint, cluster: eksCluster },
      clusterSecurityGroupId: `sg-${hash(`csg:${name}`).slice(0, 17)}`,
      nodeSecurityGroupId: `sg-${hash(`nsg:${name}`).slice(0, 17)}`,
      oidcIssuer: `oidc.eks.${region}.amazonaws.com/id/${hash(`oidc:${name}`).slice(0, 32).toUpperCase()}`,
    });
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
): MockResourceResult {
  return { id, state: { ...inputs, ...extra } };
}

function hash(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function uuid(hex: string): string {
  const h = hex.padEnd(32, "0");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function ip(hex: string): string {
  return `3.${parseInt(hex.slice(0, 2), 16)}.${parseInt(hex.slice(2, 4), 16)}.${parseInt(hex.slice(4, 6), 16)}`;
}

/** An input as text (`String` of it), or `fallback` when it is missing (null or undefined). */
function text(v: unknown, fallback: string): string {
  const value: unknown = v ?? fallback;
  return String(value);
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
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
