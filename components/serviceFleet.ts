import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceConfig } from "../config/schema";
import { generationOf } from "../config/clusters";
import { fingerprintOf, isSecureValue, type SecretValue } from "../config/secretEnv";
import type { ClusterCell } from "./clusterCell";

/** Arguments of {@link ServiceFleet}: one service and the clusters of the environment. */
export interface ServiceFleetArgs {
  /** Environment name; prefixes resource names. */
  environment: string;
  /** The service's name: its Deployment, Service and PodDisruptionBudget name on each cluster. */
  service: string;
  /**
   * Every cluster of the environment. Each cluster runs the service as its own settings say
   * (`spec.settings.services`: image, replicas, port, resources, health path, env), in its own
   * services' namespace, so while one cluster moves to a new spec the others keep theirs. A
   * cluster whose settings do not list the service does not run it: only while a rollout adds or
   * removes the service one cluster at a time, since the config cannot declare a service for a
   * subset of clusters (that would turn a cluster failure into an outage of that service).
   */
  clusters: ClusterCell[];
  /**
   * The service's secret env values as the config has them now (ciphertext and value), by name.
   * A cluster whose settings hold another ciphertext (pinned at what it runs while a rollout
   * moves another cluster) keeps the value its Secret has. @default none
   */
  secrets?: ReadonlyMap<string, SecretValue<pulumi.Input<string>>>;
}

/**
 * One service on every cluster that runs it: a Deployment, a LoadBalancer Service (each cluster
 * has its own entry point), a PodDisruptionBudget, with autoscaling a HorizontalPodAutoscaler,
 * and with secret env values a Secret per cluster, each from that cluster's copy of the
 * service's spec and created with that cluster's own provider.
 */
export class ServiceFleet extends pulumi.ComponentResource {
  /** Load balancer hostname of this service on each cluster that runs it, by cluster name. */
  readonly loadBalancers: Record<string, pulumi.Output<string>>;
  /** This service's spec on each cluster that runs it, by cluster name. */
  readonly specs: Record<string, ServiceConfig>;

  constructor(name: string, args: ServiceFleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("active-active:index:ServiceFleet", name, {}, opts);
    this.loadBalancers = {};
    this.specs = {};

    for (const cell of args.clusters) {
      const svc = cell.spec.settings.services.find((s) => s.name === args.service);
      if (!svc) continue;
      this.specs[cell.name] = svc;
      const labels = {
        "app.kubernetes.io/name": svc.name,
        "app.kubernetes.io/part-of": "active-active",
      };
      const containerPort = svc.containerPort ?? svc.port;
      const probe = { httpGet: { path: svc.healthPath, port: containerPort } };
      const on = (dependsOn: pulumi.Resource[] = []) => ({
        parent: this,
        provider: cell.provider,
        dependsOn,
      });
      const metadata = { name: svc.name, namespace: cell.serviceNamespace.metadata.name, labels };
      const prefix = `${name}-${cell.name}`;

      // Secret env values: a Secret of this cluster's, read by the containers; the pods carry a
      // hash of the ciphertexts' fingerprints, so that a changed secret rolls them (a Secret
      // alone would not).
      const secretName = `${svc.name}-env`;
      const secure = Object.entries(svc.env).filter(([, v]) => isSecureValue(v));
      const current = secure.map(([envName, v]) => {
        const now = args.secrets?.get(envName);
        return isSecureValue(v) && now && fingerprintOf(now.secure) === v.secure
          ? now.value
          : undefined;
      });
      // A value this cluster's settings hold at another ciphertext than the config's cannot be
      // decrypted here: the cluster keeps the Secret it has (it is pinned at what it runs).
      const pinned = current.some((v) => v === undefined);
      const secret =
        secure.length > 0
          ? new k8s.core.v1.Secret(
              prefix,
              {
                metadata: { ...metadata, name: secretName },
                type: "Opaque",
                stringData: Object.fromEntries(
                  secure.map(([envName], i) => [envName, current[i] ?? pulumi.secret("")]),
                ),
              },
              pinned ? { ...on(), ignoreChanges: ["stringData", "data"] } : on(),
            )
          : undefined;
      const workloadDeps = secret
        ? [...cell.workloadPrerequisites, secret]
        : cell.workloadPrerequisites;
      const templateAnnotations =
        secure.length > 0 ? { "active-active/secret-env": generationOf(secure) } : undefined;

      const deployment = new k8s.apps.v1.Deployment(
        prefix,
        {
          metadata,
          spec: {
            replicas: svc.replicas,
            selector: { matchLabels: labels },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            template: {
              metadata: { labels, annotations: templateAnnotations },
              spec: {
                topologySpreadConstraints: [
                  {
                    maxSkew: 1,
                    topologyKey: "topology.kubernetes.io/zone",
                    whenUnsatisfiable: "ScheduleAnyway",
                    labelSelector: { matchLabels: labels },
                  },
                ],
                containers: [
                  {
                    name: svc.name,
                    image: svc.image,
                    ports: [{ name: "http", containerPort }],
                    env: Object.entries(svc.env).map(([envName, value]) =>
                      isSecureValue(value)
                        ? {
                            name: envName,
                            valueFrom: { secretKeyRef: { name: secretName, key: envName } },
                          }
                        : { name: envName, value },
                    ),
                    resources: svc.resources,
                    readinessProbe: { ...probe, periodSeconds: 5 },
                    livenessProbe: { ...probe, periodSeconds: 10, failureThreshold: 6 },
                  },
                ],
              },
            },
          },
        },
        svc.autoscaling
          ? // The HPA owns the replica count once it exists.
            { ...on(workloadDeps), ignoreChanges: ["spec.replicas"] }
          : on(workloadDeps),
      );

      if (svc.autoscaling) {
        new k8s.autoscaling.v2.HorizontalPodAutoscaler(
          prefix,
          {
            metadata,
            spec: {
              scaleTargetRef: {
                apiVersion: "apps/v1",
                kind: "Deployment",
                name: deployment.metadata.name,
              },
              minReplicas: svc.replicas,
              maxReplicas: svc.autoscaling.maxReplicas,
              metrics: [
                {
                  type: "Resource",
                  resource: {
                    name: "cpu",
                    target: {
                      type: "Utilization",
                      averageUtilization: svc.autoscaling.targetCpuPercent,
                    },
                  },
                },
              ],
            },
          },
          on(),
        );
      }

      const service = new k8s.core.v1.Service(
        prefix,
        {
          metadata: {
            ...metadata,
            annotations: {
              "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
              "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled":
                "true",
              // Connections to a target being removed get as long as the service's clients
              // hold them (the AWS Load Balancer Controller reads this; EKS's in-tree NLB keeps
              // its target groups' default of 300 s).
              ...(svc.drain?.connectionSeconds
                ? {
                    "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes": `deregistration_delay.timeout_seconds=${svc.drain.connectionSeconds}`,
                  }
                : {}),
            },
          },
          spec: {
            type: "LoadBalancer",
            selector: labels,
            ports: [{ name: "http", port: svc.port, targetPort: containerPort, protocol: "TCP" }],
          },
        },
        on(cell.workloadPrerequisites),
      );

      new k8s.policy.v1.PodDisruptionBudget(
        prefix,
        { metadata, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } },
        on(),
      );

      this.loadBalancers[cell.name] = service.status.loadBalancer.ingress[0].hostname;
    }
    this.registerOutputs({ loadBalancers: this.loadBalancers });
  }
}
