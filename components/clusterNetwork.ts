import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Arguments of {@link ClusterNetwork}: one cluster's own VPC. */
export interface ClusterNetworkArgs {
  /** Name of the cluster this VPC belongs to; used in tags. */
  clusterName: string;
  /** The VPC's CIDR block, e.g. "10.1.0.0/16". */
  cidr: string;
  /** One private subnet block per availability zone, in AZ order. */
  privateSubnetCidrs: string[];
  /** One public subnet block per availability zone, in AZ order. */
  publicSubnetCidrs: string[];
  /**
   * NAT gateways: one per AZ, so an AZ failure does not cut the other AZs' egress, or a single one.
   * @default "per-az"
   */
  natGateways?: "per-az" | "single";
  /** Tags added to every resource. @default {} */
  tags?: Record<string, string>;
}

/**
 * A VPC that belongs to exactly one cluster: public subnets (load balancers, NAT) and private
 * subnets (nodes, pods) across availability zones, with its own internet and NAT gateways. No
 * other cluster uses anything here, so a network mistake stays inside one cluster.
 */
export class ClusterNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly publicSubnetIds: pulumi.Output<string>[];

  constructor(name: string, args: ClusterNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("active-active:index:ClusterNetwork", name, {}, opts);
    const parent = { parent: this };
    const tags = (role: string, extra: Record<string, string> = {}) => ({
      ...args.tags,
      Name: `${name}-${role}`,
      "active-active/cluster": args.clusterName,
      ...extra,
    });

    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      { cidrBlock: args.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tags("vpc") },
      parent,
    );
    const zones = aws.getAvailabilityZonesOutput({ state: "available" }, parent);
    const igw = new aws.ec2.InternetGateway(
      `${name}-igw`,
      { vpcId: vpc.id, tags: tags("igw") },
      parent,
    );
    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public`,
      {
        vpcId: vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
        tags: tags("public"),
      },
      parent,
    );

    const publicSubnets = args.publicSubnetCidrs.map((cidr, az) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-public-${az}`,
        {
          vpcId: vpc.id,
          cidrBlock: cidr,
          availabilityZone: zones.names[az],
          mapPublicIpOnLaunch: false,
          tags: tags(`public-${az}`, { "kubernetes.io/role/elb": "1" }),
        },
        parent,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-public-${az}`,
        { subnetId: subnet.id, routeTableId: publicRoutes.id },
        parent,
      );
      return subnet;
    });

    const natCount = args.natGateways === "single" ? 1 : publicSubnets.length;
    const nats = publicSubnets.slice(0, natCount).map((subnet, az) => {
      const eip = new aws.ec2.Eip(
        `${name}-nat-${az}`,
        { domain: "vpc", tags: tags(`nat-${az}`) },
        parent,
      );
      return new aws.ec2.NatGateway(
        `${name}-nat-${az}`,
        { allocationId: eip.id, subnetId: subnet.id, tags: tags(`nat-${az}`) },
        { parent: this, dependsOn: [igw] },
      );
    });

    const privateSubnets = args.privateSubnetCidrs.map((cidr, az) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-private-${az}`,
        {
          vpcId: vpc.id,
          cidrBlock: cidr,
          availabilityZone: zones.names[az],
          tags: tags(`private-${az}`, { "kubernetes.io/role/internal-elb": "1" }),
        },
        parent,
      );
      const routes = new aws.ec2.RouteTable(
        `${name}-private-${az}`,
        {
          vpcId: vpc.id,
          routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nats[az % nats.length].id }],
          tags: tags(`private-${az}`),
        },
        parent,
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-private-${az}`,
        { subnetId: subnet.id, routeTableId: routes.id },
        parent,
      );
      return subnet;
    });

    this.vpcId = vpc.id;
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.registerOutputs({
      vpcId: this.vpcId,
      privateSubnetIds: this.privateSubnetIds,
      publicSubnetIds: this.publicSubnetIds,
    });
  }
}
