import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ServiceConfig } from "../config/schema";
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
}

/**
 * One service on every cluster that runs it: a Deployment, a LoadBalancer Service (each cluster
 * has its own entry point), a PodDisruptionBudget and, with autoscaling, a
 * HorizontalPodAutoscaler per cluster, each from that cluster's copy of the service's spec and
 * created with that cluster's own provider.
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
