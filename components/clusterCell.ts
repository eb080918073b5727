import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterSpec } from "../config/clusters";
import { grantClusterAccess } from "./clusterAccess";
import { ClusterNetwork } from "./clusterNetwork";

/** Arguments of {@link ClusterCell}: everything one cluster is built from. */
export interface ClusterCellArgs {
  /** Environment name, e.g. "prod"; prefixes every resource name and tag. */
  environment: string;
  /**
   * The cluster's resolved settings (see `planClusters`): everything this cluster runs, including
   * the services' namespace (`spec.settings.namespace`), which this cell creates.
   */
  spec: ClusterSpec;
  /** Tags added to every AWS resource of this cluster. @default {} */
  tags?: Record<string, string>;
  /**
   * The environment's AWS region (the stack's `aws:region`): where the cluster runs when its
   * settings name no region, and the region of its own AWS provider when it has one for a role
   * alone (`spec.settings.roleArn` without `region`).
   * @default none: the region of the environment's AWS provider, unknown here
   */
  region?: string;
}

/**
 * One complete, independent cluster: its own network (unless a shared VPC was chosen explicitly),
 * EKS control plane with secrets encrypted by its own KMS key, managed node group with IMDSv2
 * enforced, EKS add-ons (vpc-cni, kube-proxy, coredns) pinned to this cluster's versions, Kyverno,
 * EKS access entries for the config's `access` list, and exactly one Kubernetes provider built
 * from this cluster's kubeconfig. Nothing here is used by
 * another cluster; every Kubernetes resource created for this cluster must use {@link provider}.
 *
 * A cluster whose settings name a region or a role (its own AWS account) also gets exactly one
 * AWS provider of its own ({@link awsProvider}), and every AWS resource of the cluster (network,
 * KMS key, IAM, EKS with everything @pulumi/eks creates, add-ons, node group) is created with it.
 * A cluster without either uses the environment's AWS provider, exactly as before clusters could
 * have their own: its resources and their URNs do not change.
 */
export class ClusterCell extends pulumi.ComponentResource {
  /** Cluster name within the environment, e.g. "use1-a". */
  readonly name: string;
  readonly spec: ClusterSpec;
  /** The one Kubernetes provider of this cluster. */
  readonly provider: k8s.Provider;
  /**
   * This cluster's own AWS provider (named `<cell name>-aws`, in its region, assuming its role),
   * when its settings name a region or a role; undefined: the environment's AWS provider.
   */
  readonly awsProvider: aws.Provider | undefined;
  /** The AWS region the cluster runs in, when known (its own, else the environment's). */
  readonly region: string | undefined;
  /** The EKS cluster's name in AWS. */
  readonly eksClusterName: pulumi.Output<string>;
  /** The Kubernetes API endpoint. */
  readonly endpoint: pulumi.Output<string>;
  /** The Kubernetes version the control plane reports. */
  readonly kubernetesVersion: pulumi.Output<string>;
  /** Kubeconfig for this cluster (a Pulumi secret; uses `aws eks get-token`, no baked token). */
  readonly kubeconfig: pulumi.Output<string>;
  /** The namespace services are deployed to on this cluster (`spec.settings.namespace`). */
  readonly serviceNamespace: k8s.core.v1.Namespace;
  /** Resources that must exist before workloads are scheduled (nodes, DNS, admission policies). */
  readonly workloadPrerequisites: pulumi.Resource[];

  constructor(name: string, args: ClusterCellArgs, opts?: pulumi.ComponentResourceOptions) {
    super("active-active:index:ClusterCell", name, {}, opts);
    const { spec } = args;
    this.name = spec.name;
    this.spec = spec;
    const { region: ownRegion, roleArn } = spec.settings;
    this.region = ownRegion ?? args.region;
    if (ownRegion === undefined && roleArn !== undefined && args.region === undefined) {
      throw new pulumi.ResourceError(
        `cluster "${spec.name}" assumes role ${roleArn} but names no region, and the environment's region is unknown; ` +
          "set clusters[].region for it, or aws:region in the stack config",
        this,
      );
    }
    this.awsProvider =
      ownRegion !== undefined || roleArn !== undefined
        ? new aws.Provider(
            `${name}-aws`,
            {
              region: this.region as aws.Region,
              ...(roleArn !== undefined
                ? { assumeRoles: [{ roleArn, sessionName: `active-active-${name}` }] }
                : {}),
            },
            { parent: this },
          )
        : undefined;
    // Every AWS resource of this cluster: on its own provider when it has one, else (no option at
    // all) on the environment's, so that clusters without one register exactly what they did.
    const onAws = this.awsProvider ? { provider: this.awsProvider } : {};
    const parent = { parent: this, ...onAws };
    const tags = {
      ...args.tags,
      "active-active/environment": args.environment,
      "active-active/cluster": spec.name,
    };

    const network =
      spec.network.mode === "vpc-per-cluster"
        ? new ClusterNetwork(
            `${name}-net`,
            {
              clusterName: spec.name,
              cidr: spec.network.cidr,
              privateSubnetCidrs: spec.network.privateSubnetCidrs,
              publicSubnetCidrs: spec.network.publicSubnetCidrs,
              natGateways: spec.network.natGateways,
              tags,
            },
            parent,
          )
        : undefined;
    const vpcId = network ? network.vpcId : pulumi.output(sharedVpc(spec).vpcId);
    const privateSubnetIds = network ? network.privateSubnetIds : sharedVpc(spec).privateSubnetIds;
    const publicSubnetIds = network ? network.publicSubnetIds : sharedVpc(spec).publicSubnetIds;

    const secretsKey = new aws.kms.Key(
      `${name}-secrets`,
      {
        description: `Envelope encryption of Kubernetes secrets for ${args.environment}/${spec.name}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        tags,
      },
      parent,
    );

    const nodeRole = new aws.iam.Role(
      `${name}-nodes`,
      {
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Effect: "Allow",
              Principal: { Service: "ec2.amazonaws.com" },
              Action: "sts:AssumeRole",
            },
          ],
        }),
        tags,
      },
      parent,
    );
    const nodePolicies = [
      aws.iam.ManagedPolicy.AmazonEKSWorkerNodePolicy,
      aws.iam.ManagedPolicy.AmazonEKS_CNI_Policy,
      aws.iam.ManagedPolicy.AmazonEC2ContainerRegistryReadOnly,
    ].map(
      (policyArn, i) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-nodes-${i}`,
          { role: nodeRole.name, policyArn },
          parent,
        ),
    );

    const cluster = new eks.Cluster(
      `${name}-eks`,
      {
        version: spec.settings.kubernetesVersion,
        vpcId,
        privateSubnetIds,
        publicSubnetIds,
        skipDefaultNodeGroup: true,
        authenticationMode: eks.AuthenticationMode.Api,
        // The add-ons below are managed per cluster, pinned, so EKS must not install its own.
        bootstrapSelfManagedAddons: false,
        useDefaultVpcCni: true,
        corednsAddonOptions: { enabled: false },
        kubeProxyAddonOptions: { enabled: false },
        endpointPrivateAccess: true,
        endpointPublicAccess: spec.settings.apiAccess.publicAccessCidrs.length > 0,
        publicAccessCidrs:
          spec.settings.apiAccess.publicAccessCidrs.length > 0
            ? spec.settings.apiAccess.publicAccessCidrs
            : undefined,
        encryptionConfigKeyArn: secretsKey.arn,
        enabledClusterLogTypes: ["api", "audit", "authenticator"],
        // The kubeconfig's `aws eks get-token` assumes the cluster's role (its region comes from
        // the cluster's ARN): the Kubernetes provider below reaches the cluster in its account.
        ...(roleArn !== undefined ? { providerCredentialOpts: { roleArn } } : {}),
        tags,
      },
      // A remote component: its AWS children get this provider through the `providers` map.
      parent,
    );
    this.eksClusterName = cluster.eksCluster.name;
    this.endpoint = cluster.eksCluster.endpoint;
    this.kubernetesVersion = cluster.eksCluster.version;
    this.kubeconfig = pulumi.secret(cluster.kubeconfigJson);
    // Who besides the identity that created the cluster may use its API (config `access`).
    grantClusterAccess(
      name,
      { clusterName: this.eksClusterName, access: spec.settings.access, tags },
      parent,
    );

    const addon = (addonName: string, addonVersion: string, dependsOn: pulumi.Resource[] = []) =>
      new aws.eks.Addon(
        `${name}-${addonName}`,
        {
          clusterName: this.eksClusterName,
          addonName,
          addonVersion,
          resolveConflictsOnCreate: "OVERWRITE",
          resolveConflictsOnUpdate: "OVERWRITE",
          tags,
        },
        { parent: this, ...onAws, dependsOn },
      );
    // The CNI and kube-proxy must exist before nodes can become Ready; CoreDNS needs nodes.
    const vpcCni = addon("vpc-cni", spec.settings.addons.vpcCni);
    const kubeProxy = addon("kube-proxy", spec.settings.addons.kubeProxy);

    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-nodes`,
      {
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: 2,
        },
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: {
              volumeSize: spec.settings.nodeGroup.diskSizeGiB,
              volumeType: "gp3",
              encrypted: "true",
            },
          },
        ],
        tagSpecifications: [{ resourceType: "instance", tags }],
        tags,
      },
      parent,
    );
    const nodeGroup = new aws.eks.NodeGroup(
      `${name}-nodes`,
      {
        clusterName: this.eksClusterName,
        nodeRoleArn: nodeRole.arn,
        subnetIds: privateSubnetIds,
        // Nodes follow their control plane: one version per cluster.
        version: spec.settings.kubernetesVersion,
        instanceTypes: spec.settings.nodeGroup.instanceTypes,
        capacityType: spec.settings.nodeGroup.capacityType,
        amiType: spec.settings.nodeGroup.amiType,
        scalingConfig: {
          minSize: spec.settings.nodeGroup.minSize,
          desiredSize: spec.settings.nodeGroup.desiredSize,
          maxSize: spec.settings.nodeGroup.maxSize,
        },
        updateConfig: { maxUnavailable: 1 },
        launchTemplate: {
          id: launchTemplate.id,
          version: launchTemplate.latestVersion.apply((v) => String(v)),
        },
        tags,
      },
      {
        parent: this,
        ...onAws,
        dependsOn: [vpcCni, kubeProxy, ...nodePolicies],
        // An autoscaler owns the current size; the config owns the bounds.
        ignoreChanges: ["scalingConfig.desiredSize"],
      },
    );
    const coredns = addon("coredns", spec.settings.addons.coredns, [nodeGroup]);

    this.provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true },
      { parent: this },
    );
    const onCluster = (dependsOn: pulumi.Resource[] = []) => ({
      parent: this,
      provider: this.provider,
      dependsOn,
    });

    const kyverno = new k8s.helm.v3.Release(
      `${name}-kyverno`,
      {
        name: "kyverno",
        chart: spec.settings.kyverno.chart,
        version: spec.settings.kyverno.version,
        repositoryOpts: { repo: spec.settings.kyverno.repository },
        namespace: spec.settings.kyverno.namespace,
        createNamespace: true,
        values: spec.settings.kyverno.values,
        atomic: true,
        timeout: 600,
      },
      onCluster([nodeGroup, coredns]),
    );

    this.serviceNamespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      {
        metadata: {
          name: spec.settings.namespace,
          labels: { "app.kubernetes.io/part-of": "active-active" },
        },
      },
      onCluster(),
    );
    this.workloadPrerequisites = [nodeGroup, coredns, kyverno];

    this.registerOutputs({
      eksClusterName: this.eksClusterName,
      endpoint: this.endpoint,
      kubernetesVersion: this.kubernetesVersion,
      kubeconfig: this.kubeconfig,
    });
  }
}

function sharedVpc(spec: ClusterSpec) {
  if (spec.network.mode !== "shared-vpc") throw new Error("not a shared-VPC cluster");
  return spec.network;
}
