import * as fs from "node:fs";

/**
 * Writes a synthetic `pulumi stack export` (deployment version 3) of about `resources` resources,
 * shaped like a deployed active-active environment: per cluster a cell (VPC, subnets, KMS key,
 * an eks.Cluster with the aws.eks.Cluster it created, add-ons, launch template, node group,
 * Kubernetes provider with an encrypted kubeconfig, Kyverno, namespace), then services, each a
 * Deployment, Service, PodDisruptionBudget and ConfigMap on every cluster plus a health-checked
 * weighted record per cluster. Resources carry inputs and outputs of realistic size, written as
 * the engine writes them (property maps with sorted keys, no provider for provider resources).
 * Streams to disk, so 200,000 resources need little memory. `indented`: each resource as
 * `pulumi stack export` writes it (four spaces per level, one value a line) instead of one line.
 */
export function writeSyntheticExport(
  file: string,
  resources: number,
  clusters = 3,
  indented = false,
): number {
  const fd = fs.openSync(file, "w");
  let written = 0;
  let first = true;
  const stack = "bench";
  const project = "active-active";
  const urn = (type: string, name: string, parentType?: string) =>
    `urn:pulumi:${stack}::${project}::${parentType ? `${parentType}$` : ""}${type}::${name}`;
  const emit = (r: Record<string, unknown>) => {
    // The engine writes property maps with their keys in sorted order (Go's encoding/json).
    for (const key of ["inputs", "outputs", "propertyDependencies"]) {
      if (r[key] !== undefined) r[key] = sortedKeys(r[key]);
    }
    const text = indented
      ? `            ${JSON.stringify(r, null, 4).replace(/\n/g, "\n            ")}`
      : JSON.stringify(r);
    fs.writeSync(fd, (first ? "" : ",\n") + text);
    first = false;
    written++;
  };
  const time = "2026-11-20T10:00:00.000000Z";
  const secret = (label: string) => ({
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    ciphertext: `v1:${Buffer.from(label.repeat(8)).toString("base64")}`,
  });
  const custom = (
    type: string,
    name: string,
    opts: {
      parent: string;
      parentType?: string;
      provider?: string;
      deps?: Record<string, string[]>;
      inputs: Record<string, unknown>;
      outputs?: Record<string, unknown>;
    },
  ) => {
    const u = urn(type, name, opts.parentType);
    const id = `${name}-${written.toString(16).padStart(8, "0")}`;
    const deps = Object.values(opts.deps ?? {}).flat();
    emit({
      urn: u,
      custom: true,
      id,
      type,
      inputs: opts.inputs,
      outputs: { ...opts.inputs, ...(opts.outputs ?? {}), id },
      parent: opts.parent,
      dependencies: [...new Set(deps)],
      // Provider resources are not managed by a provider: the engine records none for them.
      provider: type.startsWith("pulumi:providers:")
        ? undefined
        : (opts.provider ??
          `${urn("pulumi:providers:aws", "default_7_48_0")}::0e7b1e5c-6a77-4d3b-a0f3-2a2a8a1b9f10`),
      propertyDependencies: opts.deps ?? {},
      created: time,
      modified: time,
    });
    return u;
  };
  const component = (type: string, name: string, parent: string, parentType?: string) => {
    const u = urn(type, name, parentType);
    emit({ urn: u, custom: false, type, parent, outputs: {}, created: time, modified: time });
    return u;
  };

  fs.writeSync(
    fd,
    `{"version":3,"deployment":{"manifest":{"time":"${time}","magic":"bench","version":"v3.190.0"},` +
      `"secrets_providers":{"type":"passphrase","state":{"salt":"v1:YmVuY2g="}},"resources":[\n`,
  );
  const root = urn("pulumi:pulumi:Stack", `${project}-${stack}`);
  emit({
    urn: root,
    custom: false,
    type: "pulumi:pulumi:Stack",
    outputs: { kubeconfigs: secret("kc") },
    created: time,
    modified: time,
  });
  emit({
    urn: urn("pulumi:providers:aws", "default_7_48_0"),
    custom: true,
    id: "0e7b1e5c-6a77-4d3b-a0f3-2a2a8a1b9f10",
    type: "pulumi:providers:aws",
    inputs: { region: "us-east-1", version: "7.48.0" },
    outputs: { region: "us-east-1", version: "7.48.0" },
    created: time,
    modified: time,
  });
  const envType = "active-active:index:Environment";
  const env = component(envType, stack, root);
  const names = Array.from({ length: clusters }, (_, i) => String.fromCharCode(97 + i));
  const cells: Record<string, { provider: string; namespace: string; nodeGroup: string }> = {};
  const cellType = `${envType}$active-active:index:ClusterCell`;
  for (const [i, c] of names.entries()) {
    const tags = { "active-active/environment": stack, "active-active/cluster": c };
    const cell = component("active-active:index:ClusterCell", `${stack}-${c}`, env, envType);
    const o = { parent: cell, parentType: cellType };
    const vpc = custom("aws:ec2/vpc:Vpc", `${stack}-${c}-vpc`, {
      ...o,
      inputs: {
        cidrBlock: `10.${i}.0.0/16`,
        enableDnsHostnames: true,
        enableDnsSupport: true,
        tags,
      },
    });
    const subnets = [0, 1, 2].map((az) =>
      custom("aws:ec2/subnet:Subnet", `${stack}-${c}-private-${az}`, {
        ...o,
        deps: { vpcId: [vpc] },
        inputs: {
          vpcId: `vpc-${c}`,
          cidrBlock: `10.${i}.${az * 16}.0/20`,
          availabilityZone: `us-east-1${"abc"[az]}`,
          tags,
        },
      }),
    );
    const key = custom("aws:kms/key:Key", `${stack}-${c}-secrets`, {
      ...o,
      inputs: { enableKeyRotation: true, deletionWindowInDays: 30, tags },
    });
    const eksType = `${cellType}$eks:index:Cluster`;
    const eksUrn = urn("eks:index:Cluster", `${stack}-${c}-eks`, cellType);
    emit({
      urn: eksUrn,
      custom: false,
      type: "eks:index:Cluster",
      parent: cell,
      dependencies: [vpc, key, ...subnets],
      outputs: { kubeconfig: secret(`kc-${c}`) },
      created: time,
      modified: time,
    });
    const vpcConfig = {
      endpointPrivateAccess: true,
      endpointPublicAccess: true,
      publicAccessCidrs: ["203.0.113.0/24"],
      subnetIds: subnets.map((_, az) => `subnet-${c}${az}`),
    };
    custom("aws:eks/cluster:Cluster", `${stack}-${c}-eks-eksCluster`, {
      parent: eksUrn,
      parentType: eksType,
      inputs: {
        name: `${stack}-${c}-eks-1234567`,
        version: "1.33",
        bootstrapSelfManagedAddons: false,
        vpcConfig,
        encryptionConfig: {
          provider: { keyArn: `arn:aws:kms:us-east-1:123456789012:key/${c}` },
          resources: ["secrets"],
        },
        enabledClusterLogTypes: ["api", "audit", "authenticator"],
        tags,
      },
      outputs: {
        endpoint: `https://${c}.gr7.us-east-1.eks.amazonaws.com`,
        status: "ACTIVE",
        platformVersion: "eks.9",
      },
    });
    const addon = (name: string, deps: string[] = []) =>
      custom("aws:eks/addon:Addon", `${stack}-${c}-${name}`, {
        ...o,
        deps: { clusterName: [eksUrn], ...(deps.length ? { dependsOn: deps } : {}) },
        inputs: {
          addonName: name,
          addonVersion: "v1.19.5-eksbuild.1",
          clusterName: `${stack}-${c}-eks-1234567`,
          tags,
        },
      });
    const cni = addon("vpc-cni");
    const proxy = addon("kube-proxy");
    const lt = custom("aws:ec2/launchTemplate:LaunchTemplate", `${stack}-${c}-nodes`, {
      ...o,
      inputs: {
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: 2,
        },
        tags,
      },
    });
    const nodeGroup = custom("aws:eks/nodeGroup:NodeGroup", `${stack}-${c}-nodes`, {
      ...o,
      deps: {
        clusterName: [eksUrn],
        launchTemplate: [lt],
        subnetIds: subnets,
        dependsOn: [cni, proxy],
      },
      inputs: {
        clusterName: `${stack}-${c}-eks-1234567`,
        launchTemplate: { id: `lt-${c}`, version: "1" },
        scalingConfig: { minSize: 3, desiredSize: 4, maxSize: 12 },
        instanceTypes: ["m6i.large"],
        tags,
      },
    });
    addon("coredns", [nodeGroup]);
    const provider = custom("pulumi:providers:kubernetes", `${stack}-${c}-k8s`, {
      ...o,
      deps: { kubeconfig: [eksUrn] },
      inputs: { kubeconfig: secret(`kc-${c}`), enableServerSideApply: "true", version: "4.34.2" },
    });
    const providerRef = `${provider}::${c}0000000-0000-4000-8000-000000000000`;
    custom("kubernetes:helm.sh/v3:Release", `${stack}-${c}-kyverno`, {
      ...o,
      provider: providerRef,
      deps: { dependsOn: [nodeGroup] },
      inputs: {
        chart: "kyverno",
        name: "kyverno",
        namespace: "kyverno",
        version: "3.4.4",
        repositoryOpts: { repo: "https://kyverno.github.io/kyverno/" },
      },
    });
    const namespace = custom("kubernetes:core/v1:Namespace", `${stack}-${c}-ns`, {
      ...o,
      provider: providerRef,
      inputs: {
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name: "apps", labels: { "app.kubernetes.io/part-of": "active-active" } },
      },
    });
    cells[c] = { provider: providerRef, namespace, nodeGroup };
  }

  const fleetType = `${envType}$active-active:index:ServiceFleet`;
  const splitType = `${envType}$active-active:index:TrafficSplit`;
  for (let s = 0; written < resources; s++) {
    const svc = `svc${s}`;
    const labels = { "app.kubernetes.io/name": svc, "app.kubernetes.io/part-of": "active-active" };
    const fleet = component("active-active:index:ServiceFleet", `${stack}-${svc}`, env, envType);
    const split = component(
      "active-active:index:TrafficSplit",
      `${svc}.bench.example.com`,
      env,
      envType,
    );
    for (const c of names) {
      const cell = cells[c];
      const on = { parent: fleet, parentType: fleetType, provider: cell.provider };
      const metadata = { name: svc, namespace: "apps", labels };
      custom("kubernetes:core/v1:ConfigMap", `${stack}-${svc}-${c}`, {
        ...on,
        deps: { metadata: [cell.namespace] },
        inputs: {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata,
          data: { LOG_LEVEL: "info", FEATURE_FLAGS: "a,b,c" },
        },
      });
      custom("kubernetes:apps/v1:Deployment", `${stack}-${svc}-${c}`, {
        ...on,
        deps: { metadata: [cell.namespace], dependsOn: [cell.nodeGroup] },
        inputs: {
          apiVersion: "apps/v1",
          kind: "Deployment",
          metadata,
          spec: {
            replicas: 3,
            selector: { matchLabels: labels },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            template: {
              metadata: { labels },
              spec: {
                containers: [
                  {
                    name: svc,
                    image: `ghcr.io/acme/${svc}:1.4.2`,
                    ports: [{ name: "http", containerPort: 8080 }],
                    env: [{ name: "LOG_LEVEL", value: "info" }],
                    resources: {
                      requests: { cpu: "250m", memory: "256Mi" },
                      limits: { memory: "512Mi" },
                    },
                    readinessProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 5 },
                    livenessProbe: {
                      httpGet: { path: "/healthz", port: 8080 },
                      periodSeconds: 10,
                      failureThreshold: 6,
                    },
                  },
                ],
              },
            },
          },
        },
        outputs: {
          status: { availableReplicas: 3, readyReplicas: 3, replicas: 3, observedGeneration: 1 },
        },
      });
      const service = custom("kubernetes:core/v1:Service", `${stack}-${svc}-${c}`, {
        ...on,
        deps: { metadata: [cell.namespace] },
        inputs: {
          apiVersion: "v1",
          kind: "Service",
          metadata,
          spec: {
            type: "LoadBalancer",
            selector: labels,
            ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }],
          },
        },
        outputs: {
          status: {
            loadBalancer: { ingress: [{ hostname: `a${s}${c}.elb.us-east-1.amazonaws.com` }] },
          },
        },
      });
      custom("kubernetes:policy/v1:PodDisruptionBudget", `${stack}-${svc}-${c}`, {
        ...on,
        deps: { metadata: [cell.namespace] },
        inputs: {
          apiVersion: "policy/v1",
          kind: "PodDisruptionBudget",
          metadata,
          spec: { maxUnavailable: 1, selector: { matchLabels: labels } },
        },
      });
      const lb = `a${s}${c}.elb.us-east-1.amazonaws.com`;
      const check = custom("aws:route53/healthCheck:HealthCheck", `${svc}.bench.example.com-${c}`, {
        parent: split,
        parentType: splitType,
        deps: { fqdn: [service] },
        inputs: {
          type: "HTTP",
          fqdn: lb,
          port: 80,
          resourcePath: "/healthz",
          requestInterval: 30,
          failureThreshold: 3,
        },
      });
      custom("aws:route53/record:Record", `${svc}.bench.example.com-${c}`, {
        parent: split,
        parentType: splitType,
        deps: { records: [service], healthCheckId: [check] },
        inputs: {
          zoneId: "Z0BENCH000EXAMPLE",
          name: `${svc}.bench.example.com`,
          type: "CNAME",
          ttl: 60,
          records: [lb],
          setIdentifier: c,
          weightedRoutingPolicies: [{ weight: 1 }],
          healthCheckId: `hc-${s}-${c}`,
        },
      });
    }
  }
  fs.writeSync(fd, "\n]}}\n");
  fs.closeSync(fd);
  return written;
}

/** A copy of a JSON value with the keys of every object in sorted order. */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    out[key] = sortedKeys((value as Record<string, unknown>)[key]);
  }
  return out;
}
