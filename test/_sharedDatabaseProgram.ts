import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * Where the database of {@link sharedDatabaseProgram} sits:
 * - "subnet": in cluster a's subnets (a subnet group of them) and a's security group;
 * - "key": encrypted with cluster a's KMS key, in subnets of its own;
 * - "shared-vpc": both clusters in one VPC (each in subnets of its own), the database in
 *   subnets of that VPC that no cluster is created in.
 */
export type DatabasePlacement = "subnet" | "key" | "shared-vpc";

/** One raw EKS cluster with what it is created with: subnets, security group, role, key. */
interface RawCluster {
  cluster: aws.eks.Cluster;
  subnets: aws.ec2.Subnet[];
  securityGroup: aws.ec2.SecurityGroup;
  key: aws.kms.Key;
}

function rawCluster(name: string, vpc: aws.ec2.Vpc, octet: number): RawCluster {
  const subnets = ["a", "b"].map(
    (az, k) =>
      new aws.ec2.Subnet(`${name}-private-${k}`, {
        vpcId: vpc.id,
        cidrBlock: `10.${octet}.${k}.0/24`,
        availabilityZone: `us-east-1${az}`,
      }),
  );
  const securityGroup = new aws.ec2.SecurityGroup(`${name}-nodes`, { vpcId: vpc.id });
  const role = new aws.iam.Role(`${name}-cluster`, {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "eks.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ],
    }),
  });
  const key = new aws.kms.Key(`${name}-secrets`, { enableKeyRotation: true });
  const cluster = new aws.eks.Cluster(name, {
    roleArn: role.arn,
    version: "1.33",
    vpcConfig: {
      subnetIds: subnets.map((s) => s.id),
      securityGroupIds: [securityGroup.id],
      endpointPrivateAccess: true,
      publicAccessCidrs: ["198.51.100.0/24"],
    },
    encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
  });
  return { cluster, subnets, securityGroup, key };
}

/**
 * A program the way a team writes two clusters without components (no cells): clusters a and b,
 * each a raw aws.eks.Cluster created in its subnets, with its security group, role and key, its
 * Kubernetes provider and the "shop" Deployment; one "orders" database that both Deployments
 * read (its address in their environment), placed as `placement` says. The reported case of
 * issue 13: the database in a's subnet (or encrypted with a's key) fails with a's network or key.
 */
export function sharedDatabaseProgram(placement: DatabasePlacement) {
  return (): Promise<Record<string, unknown>> => {
    const shared =
      placement === "shared-vpc"
        ? new aws.ec2.Vpc("shared", { cidrBlock: "10.0.0.0/8" })
        : undefined;
    const a = rawCluster("a", shared ?? new aws.ec2.Vpc("a", { cidrBlock: "10.1.0.0/16" }), 1);
    const b = rawCluster("b", shared ?? new aws.ec2.Vpc("b", { cidrBlock: "10.2.0.0/16" }), 2);

    let subnetIds: pulumi.Input<string>[];
    let securityGroupIds: pulumi.Input<string>[] = [];
    let kmsKeyId: pulumi.Input<string> | undefined;
    if (placement === "subnet") {
      subnetIds = a.subnets.map((s) => s.id);
      securityGroupIds = [a.securityGroup.id];
    } else {
      const vpc = shared ?? new aws.ec2.Vpc("data", { cidrBlock: "10.9.0.0/16" });
      subnetIds = ["a", "b"].map(
        (az, k) =>
          new aws.ec2.Subnet(`data-${k}`, {
            vpcId: vpc.id,
            cidrBlock: `10.9.${k}.0/24`,
            availabilityZone: `us-east-1${az}`,
          }).id,
      );
      if (placement === "key") kmsKeyId = a.key.arn;
    }
    // Named: the offline mocks return no name for an auto-named resource, and a property set
    // from an unknown-free `undefined` is dropped with its dependency.
    const subnetGroup = new aws.rds.SubnetGroup("orders", { name: "orders", subnetIds });
    const db = new aws.rds.Instance("orders", {
      engine: "postgres",
      instanceClass: "db.r6g.large",
      allocatedStorage: 100,
      multiAz: true,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: securityGroupIds,
      storageEncrypted: true,
      kmsKeyId,
      username: "orders",
      manageMasterUserPassword: true,
    });

    for (const [name, { cluster }] of [
      ["a", a],
      ["b", b],
    ] as const) {
      const provider = new k8s.Provider(name, {
        kubeconfig: pulumi.interpolate`{"clusters":[{"cluster":{"server":"${cluster.endpoint}"}}]}`,
      });
      new k8s.apps.v1.Deployment(
        `${name}-shop`,
        {
          metadata: { name: "shop", namespace: "default" },
          spec: {
            replicas: 2,
            selector: { matchLabels: { app: "shop" } },
            template: {
              metadata: { labels: { app: "shop" } },
              spec: {
                containers: [
                  {
                    name: "shop",
                    image: "acme/shop:1.0",
                    env: [{ name: "DB_HOST", value: db.address }],
                  },
                ],
              },
            },
          },
        },
        { provider },
      );
    }
    return Promise.resolve({});
  };
}
