import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** A component that wraps one region's cluster, as a team might write it (not ours). */
class RegionStack extends pulumi.ComponentResource {
  readonly cluster: aws.eks.Cluster;
  readonly subnet: aws.ec2.Subnet;
  constructor(name: string, cidr: string, opts?: pulumi.ComponentResourceOptions) {
    super("acme:infra:RegionStack", name, {}, opts);
    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: cidr }, { parent: this });
    this.subnet = new aws.ec2.Subnet(
      `${name}-subnet`,
      { vpcId: vpc.id, cidrBlock: cidr.replace(/\.0\.0\/16$/, ".1.0/24") },
      { parent: this },
    );
    const key = new aws.kms.Key(`${name}-key`, {}, { parent: this });
    this.cluster = new aws.eks.Cluster(
      name,
      {
        roleArn: "arn:aws:iam::123456789012:role/eks",
        version: "1.32",
        vpcConfig: { subnetIds: [this.subnet.id] },
        encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
      },
      { parent: this },
    );
    this.registerOutputs({});
  }
}

/**
 * A small Pulumi program that does not use active-active's components: two raw aws.eks.Cluster
 * (one bare, one inside a team's own component), a provider and a Deployment per cluster, a
 * table both Deployments use, a plain DNS record to one cluster, and a ConfigMap on the ambient
 * provider. The policies must reason about it from the graph alone.
 */
export function foreignProgram(): Promise<Record<string, unknown>> {
  const eastVpc = new aws.ec2.Vpc("east-vpc", { cidrBlock: "10.1.0.0/16" });
  const eastSubnet = new aws.ec2.Subnet("east-subnet", {
    vpcId: eastVpc.id,
    cidrBlock: "10.1.1.0/24",
  });
  const east = new aws.eks.Cluster("east", {
    roleArn: "arn:aws:iam::123456789012:role/eks",
    version: "1.33",
    vpcConfig: { subnetIds: [eastSubnet.id] },
  });
  const west = new RegionStack("west", "10.2.0.0/16");

  const sessions = new aws.dynamodb.Table("sessions", {
    attributes: [{ name: "id", type: "S" }],
    hashKey: "id",
    billingMode: "PAY_PER_REQUEST",
  });
  new aws.s3.Bucket("logs");

  const services = [
    { name: "east", cluster: east },
    { name: "west", cluster: west.cluster },
  ].map(({ name, cluster }) => {
    const provider = new k8s.Provider(name, {
      kubeconfig: pulumi.interpolate`{"clusters":[{"cluster":{"server":"${cluster.endpoint}"}}]}`,
    });
    new k8s.apps.v1.Deployment(
      `${name}-shop`,
      {
        metadata: { name: "shop", namespace: "default" },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: "shop" } },
          template: {
            metadata: { labels: { app: "shop" } },
            spec: {
              containers: [
                {
                  name: "shop",
                  image: "acme/shop:1.0",
                  env: [{ name: "TABLE", value: sessions.name }],
                },
              ],
            },
          },
        },
      },
      { provider },
    );
    return new k8s.core.v1.Service(
      `${name}-shop`,
      { metadata: { name: "shop" }, spec: { type: "LoadBalancer", ports: [{ port: 80 }] } },
      { provider },
    );
  });

  new aws.route53.Record("www", {
    zoneId: "Z0ACME00000EXAMPLE",
    name: "www.acme.example",
    type: "CNAME",
    ttl: 60,
    records: [services[0].status.loadBalancer.ingress[0].hostname],
  });
  new k8s.core.v1.ConfigMap("stray", { metadata: { name: "stray" }, data: { a: "b" } });
  return Promise.resolve({});
}

/**
 * Another team's program driven by its stack file: one raw EKS cluster per entry of
 * `acme:clusters`, and the "shop" service on the clusters listed in `acme:shopClusters`.
 */
export function configuredProgram(): Promise<Record<string, unknown>> {
  const config = new pulumi.Config("acme");
  const clusters = config.requireObject<string[]>("clusters");
  const shopOn = new Set(config.requireObject<string[]>("shopClusters"));
  for (const name of clusters) {
    const key = new aws.kms.Key(`${name}-key`, {});
    const cluster = new aws.eks.Cluster(name, {
      roleArn: "arn:aws:iam::123456789012:role/eks",
      version: "1.33",
      vpcConfig: {
        subnetIds: [`subnet-${name}`],
        endpointPrivateAccess: true,
        publicAccessCidrs: ["198.51.100.0/24"],
      },
      encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
    });
    const provider = new k8s.Provider(name, {
      kubeconfig: pulumi.interpolate`{"clusters":[{"cluster":{"server":"${cluster.endpoint}"}}]}`,
    });
    new k8s.helm.v3.Release(`${name}-kyverno`, { chart: "kyverno", name: "kyverno" }, { provider });
    if (shopOn.has(name)) {
      new k8s.apps.v1.Deployment(
        `${name}-shop`,
        {
          metadata: { name: "shop", namespace: "default" },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: "shop" } },
            template: {
              metadata: { labels: { app: "shop" } },
              spec: { containers: [{ name: "shop", image: "acme/shop:1.0" }] },
            },
          },
        },
        { provider },
      );
    }
  }
  return Promise.resolve({});
}
