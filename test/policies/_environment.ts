import type { ResourceNode } from "../../graph/resourceGraph";
import { webDeploymentSpec, webHpaSpec } from "../_fixtures";
import { GraphBuilder } from "./_graph";

/** Handles on one cluster's resources in {@link environmentGraph}. */
export interface ClusterFixture {
  cell: ResourceNode;
  vpc: ResourceNode;
  subnet: ResourceNode;
  eks: ResourceNode;
  addons: Record<"vpc-cni" | "kube-proxy" | "coredns", ResourceNode>;
  launchTemplate: ResourceNode;
  nodeGroup: ResourceNode;
  provider: ResourceNode;
  kyverno: ResourceNode;
  namespace: ResourceNode;
  deployment: ResourceNode;
  hpa: ResourceNode;
  service: ResourceNode;
  healthCheck: ResourceNode;
  record: ResourceNode;
}

export interface EnvironmentOptions {
  /** Cluster names. @default ["a", "b", "c"] */
  clusters?: string[];
  /** Kubernetes version per cluster name. @default "1.33" for each */
  versions?: Record<string, string>;
}

/**
 * A compliant active-active environment as plain graph data, shaped like what the program
 * registers: per cluster a cell with its VPC, EKS cluster, add-ons, node group (2 to 4 m6i.large),
 * provider, Kyverno and namespace; the "web" service on every cluster (2 replicas of 250m/256Mi,
 * an HPA up to 4); a weighted, health-checked record per cluster for www.example.com. Tests
 * change one field and expect one finding.
 */
export function environmentGraph(options: EnvironmentOptions = {}) {
  const names = options.clusters ?? ["a", "b", "c"];
  const g = new GraphBuilder("prod", "proj");
  const env = g.add({ type: "active-active:index:Environment", name: "prod" });
  const clusters: Record<string, ClusterFixture> = {};

  for (const c of names) {
    const tags = { "active-active/cluster": c };
    const cell = g.add({ type: "active-active:index:ClusterCell", name: `prod-${c}`, parent: env });
    const vpc = g.add({
      type: "aws:ec2/vpc:Vpc",
      name: `prod-${c}-vpc`,
      parent: cell,
      inputs: { cidrBlock: "10.0.0.0/16", tags },
    });
    const subnet = g.add({
      type: "aws:ec2/subnet:Subnet",
      name: `prod-${c}-private-0`,
      parent: cell,
      uses: { vpcId: [vpc] },
      inputs: { vpcId: `vpc-${c}`, cidrBlock: "10.0.0.0/20" },
    });
    const key = g.add({ type: "aws:kms/key:Key", name: `prod-${c}-secrets`, parent: cell });
    const eks = g.add({
      type: "eks:index:Cluster",
      name: `prod-${c}-eks`,
      custom: false,
      parent: cell,
      uses: { vpcId: [vpc], privateSubnetIds: [subnet], encryptionConfigKeyArn: [key] },
      inputs: {
        version: options.versions?.[c] ?? "1.33",
        vpcId: `vpc-${c}`,
        privateSubnetIds: [`subnet-${c}`],
        endpointPrivateAccess: true,
        endpointPublicAccess: true,
        publicAccessCidrs: ["203.0.113.0/24"],
        encryptionConfigKeyArn: `arn:aws:kms:us-east-1:123456789012:key/${c}`,
        skipDefaultNodeGroup: true,
        bootstrapSelfManagedAddons: false,
        useDefaultVpcCni: true,
        corednsAddonOptions: { enabled: false },
        kubeProxyAddonOptions: { enabled: false },
        tags,
      },
    });
    const addon = (addonName: string, dependsOn: ResourceNode[] = []) =>
      g.add({
        type: "aws:eks/addon:Addon",
        name: `prod-${c}-${addonName}`,
        parent: cell,
        uses: { clusterName: [eks] },
        dependsOn,
        inputs: {
          addonName,
          clusterName: `prod-${c}-eks-1234567`,
          addonVersion: "v1.0.0-eksbuild.1",
        },
      });
    const vpcCni = addon("vpc-cni");
    const kubeProxy = addon("kube-proxy");
    const launchTemplate = g.add({
      type: "aws:ec2/launchTemplate:LaunchTemplate",
      name: `prod-${c}-nodes`,
      parent: cell,
      inputs: {
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: 2,
        },
      },
    });
    const nodeGroup = g.add({
      type: "aws:eks/nodeGroup:NodeGroup",
      name: `prod-${c}-nodes`,
      parent: cell,
      uses: { clusterName: [eks], launchTemplate: [launchTemplate], subnetIds: [subnet] },
      dependsOn: [vpcCni, kubeProxy],
      inputs: {
        clusterName: `prod-${c}-eks-1234567`,
        launchTemplate: { id: `lt-${c}`, version: "1" },
        instanceTypes: ["m6i.large"],
        scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 4 },
      },
    });
    const coredns = addon("coredns", [nodeGroup]);
    const provider = g.add({
      type: "pulumi:providers:kubernetes",
      name: `prod-${c}-k8s`,
      parent: cell,
      uses: { kubeconfig: [eks] },
      inputs: { kubeconfig: "[secret]" },
    });
    const kyverno = g.add({
      type: "kubernetes:helm.sh/v3:Release",
      name: `prod-${c}-kyverno`,
      parent: cell,
      provider,
      dependsOn: [nodeGroup, coredns],
      inputs: { name: "kyverno", chart: "kyverno", version: "3.4.4", namespace: "kyverno" },
    });
    const namespace = g.add({
      type: "kubernetes:core/v1:Namespace",
      name: `prod-${c}-ns`,
      parent: cell,
      provider,
      inputs: { metadata: { name: "apps" } },
    });
    clusters[c] = {
      cell,
      vpc,
      subnet,
      eks,
      addons: { "vpc-cni": vpcCni, "kube-proxy": kubeProxy, coredns },
      launchTemplate,
      nodeGroup,
      provider,
      kyverno,
      namespace,
    } as ClusterFixture;
  }

  const fleet = g.add({ type: "active-active:index:ServiceFleet", name: "prod-web", parent: env });
  for (const c of names) {
    const cl = clusters[c];
    const metadata = () => ({ name: "web", namespace: "apps" });
    cl.deployment = g.add({
      type: "kubernetes:apps/v1:Deployment",
      name: `prod-web-${c}`,
      parent: fleet,
      provider: cl.provider,
      uses: { metadata: [cl.namespace] },
      dependsOn: [cl.nodeGroup, cl.kyverno],
      inputs: {
        metadata: metadata(),
        spec: webDeploymentSpec(),
      },
    });
    cl.hpa = g.add({
      type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
      name: `prod-web-${c}`,
      parent: fleet,
      provider: cl.provider,
      uses: { metadata: [cl.namespace], spec: [cl.deployment] },
      inputs: {
        metadata: metadata(),
        spec: webHpaSpec(),
      },
    });
    cl.service = g.add({
      type: "kubernetes:core/v1:Service",
      name: `prod-web-${c}`,
      parent: fleet,
      provider: cl.provider,
      uses: { metadata: [cl.namespace] },
      inputs: { metadata: metadata(), spec: { type: "LoadBalancer", ports: [{ port: 80 }] } },
    });
  }

  const split = g.add({
    type: "active-active:index:TrafficSplit",
    name: "www.example.com",
    parent: env,
  });
  for (const c of names) {
    const cl = clusters[c];
    const lb = `lb-${c}.elb.us-east-1.amazonaws.com`;
    cl.healthCheck = g.add({
      type: "aws:route53/healthCheck:HealthCheck",
      name: `www.example.com-${c}`,
      parent: split,
      uses: { fqdn: [cl.service] },
      inputs: { type: "HTTP", fqdn: lb, port: 80, resourcePath: "/healthz" },
    });
    cl.record = g.add({
      type: "aws:route53/record:Record",
      name: `www.example.com-${c}`,
      parent: split,
      uses: { records: [cl.service], healthCheckId: [cl.healthCheck] },
      inputs: {
        zoneId: "Z0PROD0000EXAMPLE",
        name: "www.example.com",
        type: "CNAME",
        ttl: 60,
        records: [lb],
        setIdentifier: c,
        weightedRoutingPolicies: [{ weight: 1 }],
        healthCheckId: `hc-${c}`,
      },
    });
  }
  return { g, env, clusters, nodes: g.nodes };
}
