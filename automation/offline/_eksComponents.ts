import * as pulumi from "@pulumi/pulumi";
import { ACCOUNT, childUrn, hash, reference, referencedUrn, SECRET_SIG, SIG, uuid } from "./_wire";

/**
 * The offline answers for @pulumi/eks 4's components. Each is a remote component (registered with
 * `remote: true`): under the mocks nothing of it runs, its outputs are these answers. They give
 * the outputs its methods and companions use (`createNodeGroup`, `NodeGroupV2`, `ManagedNodeGroup`,
 * `cluster.provider`, `core`, `getKubeconfig`), as @pulumi/eks's implementation
 * (pulumi/pulumi-eks `nodejs/eks/cluster/cluster.ts`, `nodes/nodegroup.ts`) computes them. An
 * output that is a resource reference (a security group, an IAM role, the Kubernetes provider)
 * refers to a {@link Companion}: the child the component would create, which the program can
 * rehydrate into a usable resource. Companions are not registered: the offline graph keeps a
 * remote component without its children, as before.
 *
 * `eksCluster` (and `core.cluster`) stay the AWS cluster's properties, not a reference: the
 * policies read the cluster's settings there, and a reference would make every resource that
 * reads its name depend on a child the graph does not have.
 */

/** A child a remote component creates, which the program can hold a reference to. */
export interface Companion {
  urn: string;
  id: string;
  state: Record<string, unknown>;
}

/** A remote component's registration, with what the answer needs. */
export interface ComponentRegistration {
  /** The component's type token, e.g. `eks:index:NodeGroupV2`. */
  type: string;
  /** The component's name. */
  name: string;
  urn: string;
  /** Its inputs, deserialized (references are resource objects), as Pulumi's mocks get them. */
  inputs: Record<string, unknown>;
  /** Its inputs as they came over the wire (references `{sig, urn, id}`). */
  wire: Record<string, unknown>;
  /** The region of the AWS provider its children are created with. */
  region: string;
  /** That AWS provider, as a reference ("urn::id"), when one is explicit. */
  provider?: string;
}

/** What an EKS cluster answered, for the node groups and calls that name the cluster later. */
export interface EksClusterFacts {
  eksName: string;
  region: string;
  endpoint: string;
  ca: string;
  /** The cluster's node security group, a reference; none with `skipDefaultSecurityGroups`. */
  nodeSecurityGroup?: Record<string, string>;
  /** The security group the control plane accepts node traffic from. */
  clusterSecurityGroupId: string;
  vpcId: unknown;
}

export interface ComponentAnswer {
  id: string;
  state: Record<string, unknown>;
  companions: Companion[];
}

/** Collects a component's companions and makes references to them. */
class Children {
  readonly companions: Companion[] = [];
  constructor(private readonly parent: string) {}

  /** A child of `parent` (the component by default), returned as a reference. */
  add(
    type: string,
    name: string,
    id: string,
    state: Record<string, unknown>,
    parent = this.parent,
  ): Record<string, string> {
    const urn = childUrn(parent, type, name);
    this.companions.push({ urn, id, state: { ...state, urn } });
    return reference(urn, id);
  }

  /** An IAM role inside an `eks:index:ServiceRole` component, as @pulumi/eks makes them. */
  serviceRole(name: string, service: string, tags: unknown): Record<string, string> {
    const component = childUrn(this.parent, "eks:index:ServiceRole", name);
    const roleName = `${name}-role-${hash(`role:${component}`).slice(0, 7)}`;
    return this.add(
      "aws:iam/role:Role",
      `${name}-role`,
      roleName,
      {
        name: roleName,
        arn: `arn:aws:iam::${ACCOUNT}:role/${roleName}`,
        uniqueId: `AROA${hash(`role-id:${component}`).slice(0, 17).toUpperCase()}`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            { Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: [service] } },
          ],
        }),
        tags,
      },
      component,
    );
  }
}

/** The answer for `eks:index:Cluster`, and what later registrations need to know about it. */
export function eksCluster(c: ComponentRegistration): {
  answer: ComponentAnswer;
  facts: EksClusterFacts;
} {
  const { name, urn, inputs, wire, region } = c;
  const eksName = typeof wire.name === "string" ? wire.name : `${name}-${hash(name).slice(0, 7)}`;
  const endpoint = `https://${hash(`endpoint:${name}`).slice(0, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`;
  const ca = Buffer.from(`offline certificate authority for ${eksName}`).toString("base64");
  const credentials = object(wire.providerCredentialOpts);
  const roleArn = typeof credentials.roleArn === "string" ? credentials.roleArn : undefined;
  const profileName =
    typeof credentials.profileName === "string" ? credentials.profileName : undefined;
  const kubeconfig = kubeconfigOf({ region, eksName, endpoint, ca, roleArn });
  const arn = `arn:aws:eks:${region}:${ACCOUNT}:cluster/${eksName}`;
  const children = new Children(urn);
  const autoMode = object(wire.autoMode).enabled === true;
  const skipSecurityGroups = (wire.skipDefaultSecurityGroups ?? autoMode) === true;
  const skipNodeGroup =
    wire.skipDefaultNodeGroup === true || Boolean(wire.fargate) || autoMode === true;
  const vpcId = inputs.vpcId ?? `vpc-${hash(`default-vpc:${region}`).slice(0, 17)}`;
  const subnetIds = wire.subnetIds ?? [
    ...asList(inputs.privateSubnetIds),
    ...asList(inputs.publicSubnetIds),
  ];
  const tags = wire.tags;
  const oidcIssuer = `oidc.eks.${region}.amazonaws.com/id/${hash(`oidc:${name}`).slice(0, 32).toUpperCase()}`;
  // EKS's own cluster security group, and the one @pulumi/eks makes unless told not to.
  const eksSecurityGroupId = `sg-${hash(`eks-csg:${name}`).slice(0, 17)}`;
  const ownSecurityGroupId = `sg-${hash(`csg:${name}`).slice(0, 17)}`;
  const securityGroup = (groupName: string, id: string, extraTags: unknown) =>
    children.add("aws:ec2/securityGroup:SecurityGroup", groupName, id, {
      arn: `arn:aws:ec2:${region}:${ACCOUNT}:security-group/${id}`,
      name: `${groupName}-${hash(`sg-name:${id}`).slice(0, 7)}`,
      vpcId,
      revokeRulesOnDelete: true,
      ownerId: ACCOUNT,
      tags: { Name: groupName, ...object(extraTags), ...object(tags) },
    });

  const clusterSecurityGroup =
    referencedUrn(wire.clusterSecurityGroup) !== undefined
      ? (wire.clusterSecurityGroup as Record<string, string>)
      : skipSecurityGroups
        ? undefined
        : securityGroup(
            `${name}-eksClusterSecurityGroup`,
            ownSecurityGroupId,
            wire.clusterSecurityGroupTags,
          );
  const clusterSecurityGroupId = clusterSecurityGroup
    ? (clusterSecurityGroup.id ?? ownSecurityGroupId)
    : eksSecurityGroupId;

  let nodeSecurityGroup: Record<string, string> | undefined;
  let eksClusterIngressRule: Record<string, string> | undefined;
  const nodeSecurityGroupId = skipSecurityGroups
    ? eksSecurityGroupId
    : `sg-${hash(`nsg:${name}`).slice(0, 17)}`;
  let clusterIngressRuleId = "";
  if (!skipSecurityGroups) {
    nodeSecurityGroup = securityGroup(`${name}-nodeSecurityGroup`, nodeSecurityGroupId, {
      [`kubernetes.io/cluster/${eksName}`]: "owned",
      ...object(wire.nodeSecurityGroupTags),
    });
    clusterIngressRuleId = `sgr-${hash(`ingress:${name}`).slice(0, 17)}`;
    eksClusterIngressRule = children.add(
      "aws:ec2/securityGroupRule:SecurityGroupRule",
      `${name}-eksClusterIngressRule`,
      `sgrule-${parseInt(hash(`sgrule:${name}`).slice(0, 8), 16)}`,
      {
        description: "Allow pods to communicate with the cluster API Server",
        type: "ingress",
        fromPort: 443,
        toPort: 443,
        protocol: "tcp",
        securityGroupId: clusterSecurityGroupId,
        sourceSecurityGroupId: nodeSecurityGroupId,
        securityGroupRuleId: clusterIngressRuleId,
      },
    );
  }

  const instanceRoles = Array.isArray(wire.instanceRoles)
    ? wire.instanceRoles
    : referencedUrn(wire.instanceRole) !== undefined
      ? [wire.instanceRole]
      : wire.createInstanceRole === true ||
          (wire.skipDefaultNodeGroup !== true && wire.createInstanceRole === undefined)
        ? [children.serviceRole(`${name}-instanceRole`, "ec2.amazonaws.com", tags)]
        : [];
  const clusterIamRole =
    referencedUrn(wire.serviceRole) !== undefined
      ? wire.serviceRole
      : children.serviceRole(`${name}-eksRole`, "eks.amazonaws.com", tags);

  // The Kubernetes provider the component deploys with: the kubeconfig with the profile.
  const providerId = uuid(hash(`k8s-provider:${urn}`).slice(0, 32));
  const provider = children.add("pulumi:providers:kubernetes", `${name}-eks-k8s`, providerId, {
    kubeconfig: JSON.stringify(
      kubeconfigOf({ region, eksName, endpoint, ca, roleArn, profileName }),
    ),
  });

  const eksClusterUrn = childUrn(urn, "aws:eks/cluster:Cluster", `${name}-eksCluster`);
  const eksClusterProps = {
    urn: eksClusterUrn,
    id: eksName,
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
      clusterSecurityGroupId: eksSecurityGroupId,
      securityGroupIds: clusterSecurityGroup ? [clusterSecurityGroupId] : [],
    },
    identities: [{ oidcs: [{ issuer: `https://${oidcIssuer}` }] }],
    encryptionConfig: inputs.encryptionConfigKeyArn
      ? { provider: { keyArn: inputs.encryptionConfigKeyArn }, resources: ["secrets"] }
      : undefined,
  };

  const storageClasses = storageClassesOf(name, wire.storageClasses, children);
  const authenticationMode = wire.authenticationMode;
  const eksNodeAccess =
    authenticationMode === undefined ||
    authenticationMode === "CONFIG_MAP" ||
    authenticationMode === "API_AND_CONFIG_MAP"
      ? children.add("kubernetes:core/v1:ConfigMap", `${name}-nodeAccess`, "kube-system/aws-auth", {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "aws-auth", namespace: "kube-system" },
        })
      : undefined;
  const oidcProviderArn =
    wire.createOidcProvider === true ? `arn:aws:iam::${ACCOUNT}:oidc-provider/${oidcIssuer}` : "";
  const oidcProvider = oidcProviderArn
    ? children.add(
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        `${name}-oidcProvider`,
        oidcProviderArn,
        {
          arn: oidcProviderArn,
          url: oidcIssuer,
          clientIdLists: ["sts.amazonaws.com"],
          thumbprintLists: [hash(`thumbprint:${region}`).slice(0, 40)],
        },
      )
    : undefined;

  const defaultNodeGroup = skipNodeGroup
    ? undefined
    : defaultNodeGroupOf(name, wire, nodeSecurityGroup, children, region);
  const awsProvider = c.provider ? providerReference(c.provider) : undefined;
  const nodeGroupOptions = {
    ...object(wire.nodeGroupOptions),
    ...(wire.nodeGroupOptions === undefined ? nodeGroupDefaults(wire) : {}),
    ...(nodeSecurityGroup ? { nodeSecurityGroup, clusterIngressRule: eksClusterIngressRule } : {}),
  };

  // As @pulumi/eks 4.3.0 answers: kubeconfigs are secret.
  const state: Record<string, unknown> = {
    kubeconfig: pulumi.secret(kubeconfig),
    kubeconfigJson: pulumi.secret(JSON.stringify(kubeconfig)),
    eksCluster: eksClusterProps,
    core: {
      cluster: eksClusterProps,
      vpcId,
      subnetIds,
      publicSubnetIds: wire.publicSubnetIds,
      privateSubnetIds: wire.privateSubnetIds,
      endpoint,
      clusterSecurityGroup,
      provider,
      instanceRoles,
      nodeGroupOptions,
      awsProvider,
      tags,
      nodeSecurityGroupTags: wire.nodeSecurityGroupTags,
      storageClasses,
      eksNodeAccess,
      oidcProvider,
      encryptionConfig: eksClusterProps.encryptionConfig,
      clusterIamRole,
      accessEntries: Object.values(object(wire.accessEntries)),
    },
    clusterSecurityGroup,
    clusterSecurityGroupId,
    nodeSecurityGroup,
    nodeSecurityGroupId,
    eksClusterIngressRule,
    clusterIngressRuleId,
    instanceRoles,
    awsProvider,
    defaultNodeGroup,
    defaultNodeGroupAsgName: defaultNodeGroup?.autoScalingGroupName ?? "",
    fargateProfileId: wire.fargate ? `${eksName}:${name}-fargateProfile` : "",
    fargateProfileStatus: wire.fargate ? "ACTIVE" : "",
    oidcProviderArn,
    oidcProviderUrl: `https://${oidcIssuer}`,
    oidcIssuer,
    autoModeNodeRoleName: "",
  };
  return {
    answer: { id: eksName, state, companions: children.companions },
    facts: {
      eksName,
      region,
      endpoint,
      ca,
      nodeSecurityGroup,
      clusterSecurityGroupId,
      vpcId,
    },
  };
}

/**
 * The answer for a node group component (`eks:index:NodeGroup`, `NodeGroupV2`): the node security
 * group it was given (by `createNodeGroup`: the cluster's), else the one it creates, with any extra
 * groups, and its Auto Scaling group (`NodeGroup`: the CloudFormation stack that holds it).
 */
export function eksNodeGroup(
  c: ComponentRegistration,
  cluster: EksClusterFacts | undefined,
): ComponentAnswer {
  const { name, urn, wire, region } = c;
  const children = new Children(urn);
  const given = referencedUrn(wire.nodeSecurityGroup) !== undefined;
  const nodeSecurityGroupId = given
    ? String((wire.nodeSecurityGroup as Record<string, string>).id)
    : typeof wire.nodeSecurityGroupId === "string"
      ? wire.nodeSecurityGroupId
      : `sg-${hash(`nsg:${urn}`).slice(0, 17)}`;
  const nodeSecurityGroup = given
    ? (wire.nodeSecurityGroup as Record<string, string>)
    : wire.nodeSecurityGroupId !== undefined
      ? undefined
      : children.add(
          "aws:ec2/securityGroup:SecurityGroup",
          `${name}-nodeSecurityGroup`,
          nodeSecurityGroupId,
          {
            arn: `arn:aws:ec2:${region}:${ACCOUNT}:security-group/${nodeSecurityGroupId}`,
            vpcId: cluster?.vpcId,
            revokeRulesOnDelete: true,
            tags: {
              Name: `${name}-nodeSecurityGroup`,
              ...(cluster ? { [`kubernetes.io/cluster/${cluster.eksName}`]: "owned" } : {}),
            },
          },
        );
  const asgName = `${name}-${hash(`asg:${urn}`).slice(0, 7)}`;
  const state: Record<string, unknown> = {
    nodeSecurityGroup,
    nodeSecurityGroupId,
    extraNodeSecurityGroups: asList(wire.extraNodeSecurityGroups),
  };
  if (c.type === "eks:index:NodeGroupV2") {
    state.autoScalingGroup = autoScalingGroup(children, name, asgName, wire, region);
  } else {
    const stackId = `arn:aws:cloudformation:${region}:${ACCOUNT}:stack/${name}-${hash(`cfn:${urn}`).slice(0, 7)}/${uuid(hash(`cfn-id:${urn}`).slice(0, 32))}`;
    state.cfnStack = children.add("aws:cloudformation/stack:Stack", `${name}-nodes`, stackId, {
      name: `${name}-${hash(`cfn:${urn}`).slice(0, 7)}`,
      outputs: { NodeGroup: asgName },
    });
    state.autoScalingGroupName = asgName;
  }
  return { id: "", state, companions: children.companions };
}

/** The answer for `eks:index:ManagedNodeGroup`: the `aws.eks.NodeGroup` it creates. */
export function eksManagedNodeGroup(
  c: ComponentRegistration,
  cluster: EksClusterFacts | undefined,
): ComponentAnswer {
  const { name, urn, wire, region } = c;
  const children = new Children(urn);
  const clusterName =
    typeof wire.clusterName === "string" ? wire.clusterName : (cluster?.eksName ?? name);
  const nodeGroupName =
    typeof wire.nodeGroupName === "string"
      ? wire.nodeGroupName
      : `${typeof wire.nodeGroupNamePrefix === "string" ? wire.nodeGroupNamePrefix : name}-${hash(`mng:${urn}`).slice(0, 7)}`;
  const scaling = object(wire.scalingConfig);
  // A role's id is its name.
  const roleName = object(wire.nodeRole).id;
  const nodeGroup = children.add(
    "aws:eks/nodeGroup:NodeGroup",
    name,
    `${clusterName}:${nodeGroupName}`,
    {
      clusterName,
      nodeGroupName,
      arn: `arn:aws:eks:${region}:${ACCOUNT}:nodegroup/${clusterName}/${nodeGroupName}/${uuid(hash(`mng-id:${urn}`).slice(0, 32))}`,
      nodeRoleArn:
        typeof wire.nodeRoleArn === "string"
          ? wire.nodeRoleArn
          : typeof roleName === "string"
            ? `arn:aws:iam::${ACCOUNT}:role/${roleName}`
            : undefined,
      status: "ACTIVE",
      amiType: wire.amiType ?? "AL2023_x86_64_STANDARD",
      capacityType: wire.capacityType ?? "ON_DEMAND",
      instanceTypes: wire.instanceTypes ?? ["t3.medium"],
      scalingConfig: {
        desiredSize: scaling.desiredSize ?? 2,
        minSize: scaling.minSize ?? 1,
        maxSize: scaling.maxSize ?? 2,
      },
      subnetIds: wire.subnetIds,
      labels: wire.labels,
      tags: wire.tags,
    },
  );
  return { id: "", state: { nodeGroup, placementGroupName: "" }, companions: children.companions };
}

/**
 * The kubeconfig @pulumi/eks 4.3.0 writes (`generateKubeconfig`): `aws eks get-token` in the
 * cluster's region, with the role and the profile asked for.
 */
export function kubeconfigOf(k: {
  region: string;
  eksName: string;
  endpoint: string;
  ca: string;
  roleArn?: string;
  profileName?: string;
}): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      { name: "kubernetes", cluster: { server: k.endpoint, "certificate-authority-data": k.ca } },
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
            args: [
              "--region",
              k.region,
              "eks",
              "get-token",
              "--cluster-name",
              k.eksName,
              "--output",
              "json",
              ...(k.roleArn !== undefined ? ["--role", k.roleArn] : []),
              ...(k.profileName !== undefined ? ["--profile", k.profileName] : []),
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
}

/** The default node group of a cluster (a `NodeGroupV2` inside it). */
function defaultNodeGroupOf(
  name: string,
  wire: Record<string, unknown>,
  nodeSecurityGroup: Record<string, string> | undefined,
  children: Children,
  region: string,
) {
  const asgName = `${name}-${hash(`asg:${name}`).slice(0, 7)}`;
  return {
    nodeSecurityGroup,
    extraNodeSecurityGroups: [],
    autoScalingGroup: autoScalingGroup(children, name, asgName, wire, region),
    autoScalingGroupName: asgName,
  };
}

function autoScalingGroup(
  children: Children,
  name: string,
  asgName: string,
  wire: Record<string, unknown>,
  region: string,
): Record<string, string> {
  return children.add("aws:autoscaling/group:Group", name, asgName, {
    name: asgName,
    arn: `arn:aws:autoscaling:${region}:${ACCOUNT}:autoScalingGroup:${uuid(hash(`asg-id:${asgName}`).slice(0, 32))}:autoScalingGroupName/${asgName}`,
    minSize: wire.minSize ?? 1,
    maxSize: wire.maxSize ?? 2,
    desiredCapacity: wire.desiredCapacity ?? 2,
  });
}

/** A cluster's node group options, from its own arguments, when `nodeGroupOptions` is not given. */
function nodeGroupDefaults(wire: Record<string, unknown>): Record<string, unknown> {
  const options: Record<string, unknown> = {
    nodeSubnetIds: wire.nodeSubnetIds,
    nodeAssociatePublicIpAddress: wire.nodeAssociatePublicIpAddress,
    instanceType: wire.instanceType,
    nodePublicKey: wire.nodePublicKey,
    nodeRootVolumeEncrypted: wire.nodeRootVolumeEncrypted,
    nodeRootVolumeSize: wire.nodeRootVolumeSize,
    nodeUserData: wire.nodeUserData,
    minSize: wire.minSize,
    maxSize: wire.maxSize,
    desiredCapacity: wire.desiredCapacity,
    amiId: wire.nodeAmiId,
    gpu: wire.gpu,
    version: wire.version,
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
}

/**
 * A cluster's storage classes (`storageClasses`: one type as a string, or a map), each a
 * Kubernetes StorageClass the cluster creates, by name.
 */
function storageClassesOf(
  name: string,
  storageClasses: unknown,
  children: Children,
): Record<string, Record<string, string>> {
  const specs: Record<string, unknown> =
    typeof storageClasses === "string"
      ? { [storageClasses]: { type: storageClasses, default: true } }
      : object(storageClasses);
  return Object.fromEntries(
    Object.entries(specs).map(([key, spec]) => {
      const resourceName = `${name.toLowerCase()}-${key}`;
      const scName = `${resourceName}-${hash(`sc:${resourceName}`).slice(0, 8)}`;
      const isDefault = object(spec).default === true;
      return [
        key,
        children.add("kubernetes:storage.k8s.io/v1:StorageClass", resourceName, scName, {
          apiVersion: "storage.k8s.io/v1",
          kind: "StorageClass",
          metadata: {
            name: scName,
            ...(isDefault
              ? { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }
              : {}),
          },
          provisioner: "kubernetes.io/aws-ebs",
          parameters: { type: object(spec).type },
        }),
      ];
    }),
  );
}

/** A provider reference ("urn::id") as a resource reference. */
function providerReference(ref: string): Record<string, string> {
  const at = ref.lastIndexOf("::");
  return reference(ref.slice(0, at), ref.slice(at + 2));
}

/** A value as an object to read fields of: `{}` for anything else; a secret's value unwrapped. */
function object(v: unknown): Record<string, unknown> {
  if (!v || typeof v !== "object" || Array.isArray(v)) return {};
  const o = v as Record<string, unknown>;
  return o[SIG] === SECRET_SIG ? object(o.value) : o;
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
