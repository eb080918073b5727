import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** One cluster's share of a hostname's traffic. */
export interface TrafficTarget {
  /** Cluster name; the record's SetIdentifier. */
  cluster: string;
  /** Route 53 weight, 0–255; 0 drains the cluster. */
  weight: number;
  /** The cluster's load balancer hostname for this service. */
  loadBalancer: pulumi.Input<string>;
  /** Port the cluster's load balancer listens on (the service's `port` on that cluster). */
  port: number;
  /** HTTP path the cluster's health check requests (the service's `healthPath` there). */
  healthPath: string;
}

/** Arguments of {@link TrafficSplit}. */
export interface TrafficSplitArgs {
  /** The public hostname, e.g. "api.prod.example.com". */
  hostname: string;
  /** Route 53 hosted zone id that holds the hostname. */
  zoneId: string;
  /**
   * One target per cluster that runs the hostname's service: every cluster of the environment,
   * except while a rollout adds the service one cluster at a time.
   */
  targets: TrafficTarget[];
  /** TTL of the records, seconds. @default 60 */
  ttl?: number;
  /** Seconds between health checks, 10 or 30. @default 30 */
  healthCheckIntervalSeconds?: number;
  /** Consecutive failures before Route 53 stops answering with a cluster. @default 3 */
  healthCheckFailureThreshold?: number;
  /** Tags added to the health checks. @default {} */
  tags?: Record<string, string>;
}

/**
 * Splits one hostname's traffic across the clusters: one weighted CNAME per cluster (SetIdentifier =
 * cluster name) pointing at that cluster's own load balancer, each with a Route 53 health check
 * on the service's health path, so DNS stops answering with a failing cluster by itself.
 */
export class TrafficSplit extends pulumi.ComponentResource {
  /** The public hostname this split serves. */
  readonly hostname: string;
  /** Health check id per cluster. */
  readonly healthCheckIds: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: TrafficSplitArgs, opts?: pulumi.ComponentResourceOptions) {
    super("active-active:index:TrafficSplit", name, {}, opts);
    this.hostname = args.hostname;
    this.healthCheckIds = {};
    for (const target of args.targets) {
      const check = new aws.route53.HealthCheck(
        `${name}-${target.cluster}`,
        {
          type: "HTTP",
          fqdn: target.loadBalancer,
          port: target.port,
          resourcePath: target.healthPath,
          requestInterval: args.healthCheckIntervalSeconds ?? 30,
          failureThreshold: args.healthCheckFailureThreshold ?? 3,
          tags: {
            ...args.tags,
            Name: `${args.hostname} ${target.cluster}`,
            "active-active/cluster": target.cluster,
          },
        },
        { parent: this },
      );
      new aws.route53.Record(
        `${name}-${target.cluster}`,
        {
          zoneId: args.zoneId,
          name: args.hostname,
          type: "CNAME",
          ttl: args.ttl ?? 60,
          records: [target.loadBalancer],
          setIdentifier: target.cluster,
          weightedRoutingPolicies: [{ weight: target.weight }],
          healthCheckId: check.id,
        },
        { parent: this },
      );
      this.healthCheckIds[target.cluster] = check.id;
    }
    this.registerOutputs({ healthCheckIds: this.healthCheckIds });
  }
}
