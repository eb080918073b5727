import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceConfig } from "../config/schema";
import type { ClusterCell } from "./clusterCell";

/** Arguments of {@link ServiceFleet}: one service and the clusters it runs on (all of them). */
export interface ServiceFleetArgs {
  /** Environment name; prefixes resource names. */
  environment: string;
  /** The service: image, replicas, port, resources, health path, env. */
  service: ServiceConfig;
  /**
   * Every cluster of the environment. There is deliberately no way to pass a subset: a service
   * that runs on some clusters only turns a cluster failure into an outage of that service.
   */
  clusters: ClusterCell[];
}

/**
 * One service on every cluster: a Deployment, a LoadBalancer Service (each cluster has its own entry
 * point), a PodDisruptionBudget and, with autoscaling, a HorizontalPodAutoscaler per cluster, each
 * created with that cluster's own provider.
 */
export class ServiceFleet extends pulumi.ComponentResource {
  /** Load balancer hostname of this service on each cluster, by cluster name. */
  readonly loadBalancers: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: ServiceFleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("active-active:index:ServiceFleet", name, {}, opts);
    const svc = args.service;
    const labels = {
      "app.kubernetes.io/name": svc.name,
      "app.kubernetes.io/part-of": "active-active",
    };
    const containerPort = svc.containerPort ?? svc.port;
    const probe = { httpGet: { path: svc.healthPath, port: containerPort } };
    this.loadBalancers = {};

    for (const cell of args.clusters) {
      const on = (dependsOn: pulumi.Resource[] = []) => ({
        parent: this,
        provider: cell.provider,
        dependsOn,
      });
      const metadata = { name: svc.name, namespace: cell.serviceNamespace.metadata.name, labels };
      const prefix = `${name}-${cell.name}`;

      const deployment = new k8s.apps.v1.Deployment(
        prefix,
        {
          metadata,
          spec: {
            replicas: svc.replicas,
            selector: { matchLabels: labels },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
            template: {
              metadata: { labels },
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
                    env: Object.entries(svc.env).map(([envName, value]) => ({
                      name: envName,
                      value,
                    })),
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
            { ...on(cell.workloadPrerequisites), ignoreChanges: ["spec.replicas"] }
          : on(cell.workloadPrerequisites),
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
