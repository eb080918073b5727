import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { SecretEnv } from "../config/secretEnv";
import { planClusters, type ClusterSettings, type ClusterSpec } from "../config/clusters";
import { parseEnvironment, type Environment as ValidatedEnvironment } from "../config/load";
import type { EnvironmentConfigInput } from "../config/schema";
import { ClusterCell } from "./clusterCell";
import { ServiceFleet } from "./serviceFleet";
import { TrafficSplit } from "./trafficSplit";

/** Arguments of {@link Environment}. */
export interface EnvironmentArgs {
  /** Environment name, e.g. "prod" (the stack name). */
  name: string;
  /**
   * The environment config (the `active-active:` keys of the stack), validated before any
   * resource is created.
   */
  config: EnvironmentConfigInput;
  /**
   * The clusters to build, when they differ from what the config alone says (during a
   * cluster-by-cluster rollout some clusters are held at their deployed settings, one may be
   * drained, one may be ramping its traffic). Must name the config's clusters, in order, and
   * may add clusters that `aa rollout` is taking out (`removing`), built from their deployed
   * settings.
   * @default planClusters(config): every cluster at its desired settings
   */
  clusters?: ClusterSpec[];
  /** Where the config came from, for error messages. @default "environment config" */
  source?: string;
  /**
   * The values of the services' secret env (`{secure}` in the config), by service and name: each
   * cluster gets them in a Kubernetes Secret (config/secretEnv.ts). @default none
   */
  secrets?: SecretEnv<pulumi.Input<string>>;
  /** Tags added to every AWS resource. @default {} */
  tags?: Record<string, string>;
  /**
   * The region of the environment's own AWS provider: of the traffic split (Route 53) and of
   * every cluster that names no region of its own.
   * @default the stack's `aws:region` (or AWS_REGION), as the AWS provider reads it
   */
  region?: string;
}

/** What the environment reports about one cluster (the deployed state the rollout reads). */
export interface ClusterOutput {
  name: string;
  weight: number;
  endpoint: string;
  /** The EKS cluster's own name (Pulumi adds a suffix), as CloudWatch's `ClusterName` has it. */
  eksClusterName: string;
  kubernetesVersion: string;
  addons: { vpcCni: string; coredns: string; kubeProxy: string };
  kyvernoVersion: string;
  /** Hash of the settings this cluster was deployed with (everything it runs). */
  generation: string;
  /** The settings this cluster was deployed with: everything it runs (see `ClusterSettings`). */
  settings: ClusterSettings;
  /** Load balancer hostname of each service this cluster runs, by service name. */
  ingress: Record<string, string>;
  /** Route 53 health check id watching this cluster, by public hostname. */
  healthChecks: Record<string, string>;
  /** Percent of its configured weight the cluster serves (below 100 during a ramp). */
  ramp: number;
  /** The weight the config gives it: its full share. */
  configuredWeight: number;
  /**
   * The AWS region the cluster runs in: its own `region`, else the environment's. Absent when
   * neither is known.
   */
  region?: string;
}

/**
 * One environment as N independent clusters that all serve traffic: N cluster cells, every
 * service on every cluster, and a weighted, health-checked DNS split across the clusters. The
 * traffic split (Route 53 records and health checks) is the environment's and stays on its AWS
 * provider; a cluster with a region or account of its own has its own provider (`ClusterCell`).
 */
export class Environment extends pulumi.ComponentResource {
  readonly environment: ValidatedEnvironment;
  readonly cells: ClusterCell[];
  /** Per-cluster deployed state, in config order. Not secret. */
  readonly clusters: pulumi.Output<ClusterOutput[]>;
  /** Kubeconfig per cluster name. A Pulumi secret. */
  readonly kubeconfigs: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: EnvironmentArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate first: a bad config must not register a single resource.
    const env = parseEnvironment(args.name, args.config, args.source ?? "environment config");
    super("active-active:index:Environment", name, {}, opts);
    this.environment = env;
    const { config } = env;
    const specs = args.clusters ?? planClusters(config);
    const expected = config.clusters.map((c) => c.name).join(",");
    const staying = specs.filter((s) => !s.removing);
    if (staying.map((s) => s.name).join(",") !== expected) {
      throw new pulumi.ResourceError(
        `clusters ${staying.map((s) => s.name).join(",")} do not match the config's clusters ${expected}`,
        this,
      );
    }
    const tags = { ...args.tags, "active-active/environment": env.name };
    const region = args.region ?? aws.config.region;

    this.cells = specs.map(
      (spec) =>
        new ClusterCell(
          `${env.name}-${spec.name}`,
          { environment: env.name, spec, tags, ...(region ? { region } : {}) },
          { parent: this },
        ),
    );

    // Every service some cluster runs: the config's, then services a rollout has not yet removed
    // from every cluster. Each cluster runs its own copy, from its own settings.
    const running = new Set(specs.flatMap((s) => s.settings.services.map((svc) => svc.name)));
    const services = [
      ...config.services.map((s) => s.name).filter((n) => running.has(n)),
      ...[...running].filter((n) => !config.services.some((s) => s.name === n)).sort(),
    ];
    const fleets = new Map(
      services.map((service) => [
        service,
        new ServiceFleet(
          `${env.name}-${service}`,
          {
            environment: env.name,
            service,
            clusters: this.cells,
            secrets: args.secrets?.get(service),
          },
          { parent: this },
        ),
      ]),
    );

    // Each hostname routes to the clusters that run its service, checked on that cluster's port
    // and health path.
    const splits: TrafficSplit[] = [];
    for (const host of config.dns.hostnames) {
      const fleet = fleets.get(host.service);
      const split = new TrafficSplit(
        host.hostname,
        {
          hostname: host.hostname,
          zoneId: config.dns.hostedZoneId,
          ttl: config.dns.ttl,
          healthCheckIntervalSeconds: config.dns.healthCheckIntervalSeconds,
          healthCheckFailureThreshold: config.dns.healthCheckFailureThreshold,
          targets: specs.flatMap((spec) => {
            const service = fleet?.specs[spec.name];
            if (!fleet || !service) return [];
            return [
              {
                cluster: spec.name,
                weight: spec.weight,
                loadBalancer: fleet.loadBalancers[spec.name],
                port: service.port,
                healthPath: service.healthPath,
              },
            ];
          }),
          tags,
        },
        { parent: this },
      );
      splits.push(split);
    }

    this.clusters = pulumi.all(
      this.cells.map((cell) =>
        pulumi
          .all([
            cell.endpoint,
            cell.eksClusterName,
            cell.kubernetesVersion,
            pulumi.all(
              Object.fromEntries(
                [...fleets]
                  .filter(([, fleet]) => cell.name in fleet.loadBalancers)
                  .map(([svc, fleet]) => [svc, fleet.loadBalancers[cell.name]]),
              ),
            ),
            pulumi.all(
              Object.fromEntries(
                splits
                  .filter((split) => cell.name in split.healthCheckIds)
                  .map((split) => [split.hostname, split.healthCheckIds[cell.name]]),
              ),
            ),
          ])
          .apply(([endpoint, eksClusterName, kubernetesVersion, ingress, healthChecks]) => ({
            name: cell.spec.name,
            weight: cell.spec.weight,
            endpoint,
            eksClusterName,
            kubernetesVersion,
            addons: cell.spec.settings.addons,
            kyvernoVersion: cell.spec.settings.kyverno.version,
            generation: cell.spec.generation,
            settings: cell.spec.settings,
            ingress,
            healthChecks,
            ramp: cell.spec.ramp,
            configuredWeight: cell.spec.configuredWeight,
            ...(cell.region ? { region: cell.region } : {}),
          })),
      ),
    );
    this.kubeconfigs = pulumi.secret(
      pulumi.all(Object.fromEntries(this.cells.map((cell) => [cell.name, cell.kubeconfig]))),
    );
    this.registerOutputs({ clusters: this.clusters, kubeconfigs: this.kubeconfigs });
  }
}
