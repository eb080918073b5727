import type { GraphCluster } from "../graph/membership";
import type { ResourceNode } from "../graph/resourceGraph";
import { AWS_EKS_CLUSTER, EKS_COMPONENT } from "./_clusters";
import { bool, names, str } from "./_props";
import { dependsOnOneCluster } from "./_singleClusterDependency";
import type { Finding, PolicySpec } from "./policySpec";
import { label, stackView, type StackView } from "./stackView";

export interface SharedStateOutsideClustersConfig {
  /** Type tokens of stateful resources named when more than one cluster uses them. */
  statefulTypes: string[];
  /** Name database instances that run in a single availability zone. */
  requireMultiAz: boolean;
  /** Most clusters whose private subnets may route through one NAT gateway. */
  maxClustersPerNatGateway: number;
}

const RDS_INSTANCE = "aws:rds/instance:Instance";

const STATEFUL = [
  RDS_INSTANCE,
  "aws:rds/cluster:Cluster",
  "aws:dynamodb/table:Table",
  "aws:elasticache/cluster:Cluster",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:docdb/cluster:Cluster",
  "aws:opensearch/domain:Domain",
  "aws:efs/fileSystem:FileSystem",
  "aws:msk/cluster:Cluster",
];

const NOTE =
  "Running N clusters does not protect state outside them: name it in the environment's " +
  "runbook, and make it highly available on its own (multi-AZ, replicas, backups).";

/**
 * `shared-state-outside-clusters` (advisory): names the state the pattern does not protect:
 * databases and other stateful resources used by several clusters, single-AZ database instances,
 * NAT gateways and VPCs that several clusters route through. A stateful resource that belongs to
 * one cluster through what it depends on (a database in that cluster's subnet) and that other
 * clusters use is not named here: it is inside that cluster's blast radius, and
 * `no-shared-single-cluster-dependency` rejects it.
 */
export const sharedStateOutsideClusters: PolicySpec<SharedStateOutsideClustersConfig> = {
  name: "shared-state-outside-clusters",
  description:
    "Names shared state the clusters do not protect: shared or single-AZ databases, shared NAT gateways and VPCs.",
  enforcementLevel: "advisory",
  scope: "stack",
  config: {
    statefulTypes: {
      type: "array",
      items: { type: "string" },
      default: STATEFUL,
      description: "Type tokens of stateful resources named when more than one cluster uses them.",
    },
    requireMultiAz: {
      type: "boolean",
      default: true,
      description: "Name database instances that run in a single availability zone.",
    },
    maxClustersPerNatGateway: {
      type: "integer",
      minimum: 1,
      default: 1,
      description: "Most clusters whose private subnets may route through one NAT gateway.",
    },
  },
  validate(nodes, config, prebuilt) {
    const view = prebuilt ?? stackView(nodes);
    const stateful = new Set(config.statefulTypes);
    const findings: Finding[] = [];

    const types = config.requireMultiAz ? [...stateful, RDS_INSTANCE] : stateful;
    for (const i of view.positionsOf(types)) {
      const node = nodes[i];
      if (stateful.has(node.type)) {
        const users = usersOf(view, node);
        // One cluster's (through its subnet or key) and used by others: not state outside the
        // clusters, a shared dependency on one of them (no-shared-single-cluster-dependency).
        if (users.length >= 2 && !dependsOnOneCluster(view, node)) {
          findings.push({
            urn: node.urn,
            message:
              `${label(node)} is used by clusters ${names(users.map((c) => c.name))}: a fault in ` +
              `it is a fault of every one of them at once. ${NOTE}`,
          });
        }
      }
      if (config.requireMultiAz && node.type === RDS_INSTANCE) {
        if (bool(node.inputs, "multiAz") === false || bool(node.inputs, "multiAz") === undefined) {
          const users = usersOf(view, node);
          findings.push({
            urn: node.urn,
            message:
              `${label(node)} runs in a single availability zone` +
              (users.length ? ` and serves cluster(s) ${names(users.map((c) => c.name))}` : "") +
              `; losing that zone loses the database however many clusters there are. Set ` +
              `multiAz: true. ${NOTE}`,
          });
        }
      }
    }
    findings.push(...sharedNatGateways(view, config.maxClustersPerNatGateway));
    findings.push(...sharedVpcs(view));
    return findings;
  },
};

/** The clusters a resource serves: its own, and those of the resources that use it directly. */
function usersOf(view: StackView, node: ResourceNode): GraphCluster[] {
  const found = new Map<string, GraphCluster>();
  const own = view.clusterOf(node.urn);
  if (own) found.set(own.urn, own);
  for (const user of view.dependents(node.urn)) {
    const c = view.clusterOf(user.urn);
    if (c) found.set(c.urn, c);
  }
  return view.clusters.filter((c) => found.has(c.urn));
}

/** NAT gateways that the subnets of several clusters route through. */
function sharedNatGateways(view: StackView, max: number): Finding[] {
  // subnet -> route tables (associations) -> NAT gateways (routes).
  const natsOfTable = new Map<string, string[]>();
  const natUrns = new Set(
    Array.from(view.positionsOf(["aws:ec2/natGateway:NatGateway"]), (i) => view.nodes[i].urn),
  );
  if (natUrns.size === 0) return [];
  for (const i of view.positionsOf(["aws:ec2/routeTable:RouteTable", "aws:ec2/route:Route"])) {
    const n = view.nodes[i];
    const nats = [
      ...new Set([...n.dependencies, ...Object.values(n.propertyDependencies).flat()]),
    ].filter((d) => natUrns.has(d));
    if (nats.length === 0) continue;
    // An aws.ec2.Route belongs to its route table.
    const table =
      n.type === "aws:ec2/route:Route" ? (n.propertyDependencies.routeTableId ?? [])[0] : n.urn;
    if (table) natsOfTable.set(table, [...(natsOfTable.get(table) ?? []), ...nats]);
  }
  const clustersOfNat = new Map<string, Map<string, GraphCluster>>();
  for (const i of view.positionsOf(["aws:ec2/routeTableAssociation:RouteTableAssociation"])) {
    const n = view.nodes[i];
    const table = (n.propertyDependencies.routeTableId ?? [])[0];
    const subnet = (n.propertyDependencies.subnetId ?? [])[0];
    if (!table || !subnet) continue;
    const subnetUsers = [
      view.clusterOf(subnet),
      ...view.dependents(subnet).map((u) => view.clusterOf(u.urn)),
    ];
    for (const nat of natsOfTable.get(table) ?? []) {
      const set = clustersOfNat.get(nat) ?? new Map<string, GraphCluster>();
      for (const c of subnetUsers) if (c) set.set(c.urn, c);
      clustersOfNat.set(nat, set);
    }
  }
  const findings: Finding[] = [];
  for (const [nat, set] of clustersOfNat) {
    if (set.size <= max) continue;
    const node = view.byUrn.get(nat) as ResourceNode;
    findings.push({
      urn: nat,
      message:
        `${label(node)} carries the outbound traffic of clusters ` +
        `${names([...set.values()].map((c) => c.name))}: if it (or its availability zone) fails, ` +
        `all of them lose egress at once. Give each cluster its own NAT gateways (one per AZ). ${NOTE}`,
    });
  }
  return findings;
}

/** VPCs that several clusters run in: a shared failure domain, named so it is a choice. */
function sharedVpcs(view: StackView): Finding[] {
  const byVpc = new Map<string, GraphCluster[]>();
  for (const cluster of view.clusters) {
    const root = view.byUrn.get(cluster.urn) as ResourceNode;
    const vpc =
      root.type === EKS_COMPONENT
        ? str(root.inputs, "vpcId")
        : root.type === AWS_EKS_CLUSTER
          ? str(root.inputs, "vpcConfig", "vpcId")
          : undefined;
    if (typeof vpc !== "string" || vpc === "") continue;
    byVpc.set(vpc, [...(byVpc.get(vpc) ?? []), cluster]);
  }
  const findings: Finding[] = [];
  for (const [vpc, clusters] of byVpc) {
    if (clusters.length < 2) continue;
    findings.push({
      urn: clusters[0].urn,
      message:
        `Clusters ${names(clusters.map((c) => c.name))} share the VPC ${vpc}: a network fault ` +
        `(route tables, NAT, network ACLs, IP exhaustion) reaches all of them. Give each cluster ` +
        `its own VPC (network mode "vpc-per-cluster"), or keep the shared VPC as a conscious ` +
        `choice. ${NOTE}`,
    });
  }
  return findings;
}
