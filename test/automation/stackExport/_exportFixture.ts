import { webDeploymentSpec, webHpaSpec } from "../../_fixtures";

/**
 * Builds `pulumi stack export` documents (deployment version 3) the way the Pulumi CLI writes
 * them: manifest and secrets provider, resources in dependency order with ids, provider
 * references "urn::id", encrypted secrets, timestamps. Small factories, not copied JSON.
 */

const SIG = "4dabf18193072939515e22adb298388d";
const NOW = "2026-11-20T10:00:00.000000Z";

export interface ExportResource {
  urn: string;
  custom: boolean;
  type: string;
  id?: string;
  parent?: string;
  provider?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  delete?: boolean;
  created: string;
  modified: string;
}

/** An encrypted secret as the passphrase secrets provider stores it. */
export function encrypted(label: string): Record<string, string> {
  return {
    [SIG]: "1b47061264138c4ac30d75fd1eb44270",
    ciphertext: `v1:${Buffer.from(label).toString("base64")}`,
  };
}

export class ExportBuilder {
  readonly resources: ExportResource[] = [];
  readonly root: ExportResource;
  private ids = 0;

  constructor(
    readonly stack = "prod",
    readonly project = "acme",
  ) {
    this.root = this.add({
      type: "pulumi:pulumi:Stack",
      name: `${project}-${stack}`,
      custom: false,
      outputs: { kubeconfig: encrypted("kubeconfig") },
    });
  }

  add(spec: {
    type: string;
    name: string;
    custom?: boolean;
    parent?: ExportResource;
    provider?: ExportResource;
    uses?: Record<string, ExportResource[]>;
    dependsOn?: ExportResource[];
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
  }): ExportResource {
    const custom = spec.custom ?? true;
    const parent = spec.parent ?? (this.resources.length > 0 ? this.root : undefined);
    const parentType =
      parent && parent.type !== "pulumi:pulumi:Stack" ? `${parent.urn.split("::")[2]}$` : "";
    const uses = spec.uses ?? {};
    const r: ExportResource = {
      urn: `urn:pulumi:${this.stack}::${this.project}::${parentType}${spec.type}::${spec.name}`,
      custom,
      type: spec.type,
      created: NOW,
      modified: NOW,
    };
    if (custom) r.id = `${spec.name}-${(++this.ids).toString(16).padStart(8, "0")}`;
    if (parent) r.parent = parent.urn;
    const deps = [...(spec.dependsOn ?? []), ...Object.values(uses).flat()].map((d) => d.urn);
    if (deps.length) r.dependencies = [...new Set(deps)];
    if (Object.keys(uses).length) {
      r.propertyDependencies = Object.fromEntries(
        Object.entries(uses).map(([k, v]) => [k, v.map((d) => d.urn)]),
      );
    }
    if (spec.provider) r.provider = `${spec.provider.urn}::${spec.provider.id}`;
    if (custom || spec.inputs) r.inputs = spec.inputs ?? {};
    r.outputs = spec.outputs ?? (custom ? { ...(spec.inputs ?? {}), id: r.id } : {});
    this.resources.push(r);
    return r;
  }

  /** The document `pulumi stack export` prints. */
  document(): Record<string, unknown> {
    return {
      version: 3,
      deployment: {
        manifest: { time: NOW, magic: "0123456789abcdef", version: "v3.190.0" },
        secrets_providers: { type: "passphrase", state: { salt: "v1:c2FsdA==" } },
        resources: this.resources,
      },
    };
  }
}

/**
 * A small deployed environment with several violations: three @pulumi/eks clusters (with the
 * aws.eks.Cluster each created), one provider per cluster with an encrypted kubeconfig, the
 * "shop" Deployment on two of three clusters, Kyverno missing on "prod-c", cluster "prod-c"'s
 * API open to the internet and two minors ahead of "prod-a", and a ConfigMap on the default
 * Kubernetes provider. It also holds a resource pending deletion, which is not live.
 */
export function deployedEnvironmentExport(): ExportBuilder {
  const b = new ExportBuilder();
  const aws = b.add({
    type: "pulumi:providers:aws",
    name: "default_7_48_0",
    inputs: { region: "us-east-1", version: "7.48.0" },
  });
  const k8sDefault = b.add({
    type: "pulumi:providers:kubernetes",
    name: "default_4_34_2",
    inputs: { version: "4.34.2" },
  });
  const versions: Record<string, string> = { a: "1.31", b: "1.32", c: "1.33" };
  for (const c of ["a", "b", "c"]) {
    const name = `prod-${c}`;
    const open = c === "c";
    const eks = b.add({
      type: "eks:index:Cluster",
      name,
      custom: false,
      outputs: { kubeconfig: encrypted(`kubeconfig-${c}`), eksCluster: {} },
    });
    const cluster = b.add({
      type: "aws:eks/cluster:Cluster",
      name: `${name}-eksCluster`,
      parent: eks,
      provider: aws,
      inputs: {
        name: `${name}-eksCluster-1234567`,
        version: versions[c],
        bootstrapSelfManagedAddons: true,
        vpcConfig: {
          endpointPrivateAccess: true,
          endpointPublicAccess: true,
          publicAccessCidrs: [open ? "0.0.0.0/0" : "203.0.113.0/24"],
          subnetIds: [`subnet-${c}1`, `subnet-${c}2`],
        },
        encryptionConfig: {
          provider: { keyArn: `arn:aws:kms:us-east-1:123456789012:key/${c}` },
          resources: ["secrets"],
        },
        tags: { "active-active/cluster": c },
      },
      outputs: {
        arn: `arn:aws:eks:us-east-1:123456789012:cluster/${name}`,
        version: versions[c],
        endpoint: `https://${c.toUpperCase()}0123.gr7.us-east-1.eks.amazonaws.com`,
        bootstrapSelfManagedAddons: true,
        vpcConfig: {
          endpointPrivateAccess: true,
          endpointPublicAccess: true,
          publicAccessCidrs: [open ? "0.0.0.0/0" : "203.0.113.0/24"],
          subnetIds: [`subnet-${c}1`, `subnet-${c}2`],
          vpcId: `vpc-${c}`,
        },
        encryptionConfig: {
          provider: { keyArn: `arn:aws:kms:us-east-1:123456789012:key/${c}` },
          resources: ["secrets"],
        },
        certificateAuthority: { data: "LS0tLS1CRUdJTi..." },
        tags: { "active-active/cluster": c },
      },
    });
    const provider = b.add({
      type: "pulumi:providers:kubernetes",
      name: `${name}-k8s`,
      uses: { kubeconfig: [eks] },
      inputs: { kubeconfig: encrypted(`kubeconfig-${c}`), version: "4.34.2" },
    });
    if (c !== "c") {
      b.add({
        type: "kubernetes:helm.sh/v3:Release",
        name: `${name}-kyverno`,
        provider,
        inputs: { chart: "kyverno", name: "kyverno", namespace: "kyverno", version: "3.4.4" },
      });
    }
    if (c !== "b") {
      b.add({
        type: "kubernetes:apps/v1:Deployment",
        name: `${name}-shop`,
        provider,
        inputs: {
          metadata: { name: "shop", namespace: "default" },
          spec: {
            replicas: 3,
            template: { spec: { containers: [{ name: "shop", image: "acme/shop:1.4" }] } },
          },
        },
      });
    }
    void cluster;
  }
  b.add({
    type: "kubernetes:core/v1:ConfigMap",
    name: "stray",
    provider: k8sDefault,
    inputs: { metadata: { name: "stray" }, data: { password: encrypted("hunter2") } },
  });
  const old = b.add({ type: "aws:s3/bucket:Bucket", name: "old-logs", provider: aws });
  old.delete = true;
  return b;
}

/**
 * A deployed environment sized for the capacity policy: three @pulumi/eks clusters, each with a
 * managed node group of `maxSize` m6i.large nodes, the "web" Deployment (2 replicas of
 * 250m/256Mi) with an HPA up to 4, its Service, and a weighted, health-checked record of
 * www.example.com; Kyverno, a hardened API endpoint and IMDSv2, so that no mandatory policy
 * fails. With `maxSize` 1, losing any one cluster cannot be absorbed (a node offers 1,930m; three
 * web pods and the system pods need 1,950m); with 2 or more it can.
 */
export function sizedEnvironmentExport(maxSize: number): ExportBuilder {
  const b = new ExportBuilder();
  const aws = b.add({ type: "pulumi:providers:aws", name: "default_7_48_0", inputs: {} });
  for (const c of ["a", "b", "c"]) {
    const name = `prod-${c}`;
    const tags = { "active-active/cluster": c };
    const eks = b.add({
      type: "eks:index:Cluster",
      name,
      custom: false,
      outputs: { kubeconfig: encrypted(`kubeconfig-${c}`) },
    });
    b.add({
      type: "aws:eks/cluster:Cluster",
      name: `${name}-eksCluster`,
      parent: eks,
      provider: aws,
      inputs: {
        version: "1.33",
        vpcConfig: {
          endpointPrivateAccess: true,
          endpointPublicAccess: true,
          publicAccessCidrs: ["203.0.113.0/24"],
        },
        encryptionConfig: {
          provider: { keyArn: `arn:aws:kms:us-east-1:123456789012:key/${c}` },
          resources: ["secrets"],
        },
        tags,
      },
    });
    const template = b.add({
      type: "aws:ec2/launchTemplate:LaunchTemplate",
      name: `${name}-nodes`,
      provider: aws,
      inputs: { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 }, tags },
    });
    b.add({
      type: "aws:eks/nodeGroup:NodeGroup",
      name: `${name}-nodes`,
      provider: aws,
      uses: { clusterName: [eks], launchTemplate: [template] },
      inputs: {
        clusterName: `${name}-eksCluster-1234567`,
        launchTemplate: { id: `lt-${c}`, version: "1" },
        instanceTypes: ["m6i.large"],
        scalingConfig: { desiredSize: 1, maxSize, minSize: 1 },
        tags,
      },
    });
    const provider = b.add({
      type: "pulumi:providers:kubernetes",
      name: `${name}-k8s`,
      uses: { kubeconfig: [eks] },
      inputs: { kubeconfig: encrypted(`kubeconfig-${c}`) },
    });
    b.add({
      type: "kubernetes:helm.sh/v3:Release",
      name: `${name}-kyverno`,
      provider,
      inputs: { chart: "kyverno", name: "kyverno", namespace: "kyverno", version: "3.4.4" },
    });
    const metadata = { name: "web", namespace: "apps" };
    const deployment = b.add({
      type: "kubernetes:apps/v1:Deployment",
      name: `${name}-web`,
      provider,
      inputs: {
        metadata,
        spec: webDeploymentSpec(),
      },
    });
    b.add({
      type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
      name: `${name}-web`,
      provider,
      uses: { spec: [deployment] },
      inputs: {
        metadata,
        spec: webHpaSpec(),
      },
    });
    const service = b.add({
      type: "kubernetes:core/v1:Service",
      name: `${name}-web`,
      provider,
      inputs: { metadata, spec: { type: "LoadBalancer", ports: [{ port: 80 }] } },
      outputs: { status: { loadBalancer: { ingress: [{ hostname: `lb-${c}.example.com` }] } } },
    });
    const healthCheck = b.add({
      type: "aws:route53/healthCheck:HealthCheck",
      name: `www-${c}`,
      provider: aws,
      uses: { fqdn: [service] },
      inputs: { type: "HTTP", fqdn: `lb-${c}.example.com`, port: 80 },
    });
    b.add({
      type: "aws:route53/record:Record",
      name: `www-${c}`,
      provider: aws,
      uses: { records: [service], healthCheckId: [healthCheck] },
      inputs: {
        zoneId: "Z0PROD0000EXAMPLE",
        name: "www.example.com",
        type: "CNAME",
        records: [`lb-${c}.example.com`],
        setIdentifier: c,
        weightedRoutingPolicies: [{ weight: 1 }],
        healthCheckId: `hc-${c}`,
      },
    });
  }
  return b;
}
