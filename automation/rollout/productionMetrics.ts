import { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { metricGates } from "../../config/metricGates";
import type { DeployedState } from "../automationApi/deployedState";
import type { LoadedEnvironment } from "../environment";
import { sourceFor } from "../health/metrics/sourceFor";
import type { ClusterTarget } from "../health/target";
import { EnvironmentMetrics, servingPeers } from "./environmentMetrics";

/** The environment's metric gates against its real Prometheus and CloudWatch. */
export interface ProductionMetrics {
  /** The port, or undefined when the environment declares no metric gate. */
  metrics: EnvironmentMetrics | undefined;
  /** Destroys the CloudWatch clients made; call once the rollout or status is done. */
  close(): void;
}

/**
 * The metric gates of `gates` in the environment's config (with the default pair per service),
 * reading Prometheus over HTTP and CloudWatch through one `CloudWatchClient` per region, made on
 * first use with the default credential chain; a cluster without a region of its own reads in
 * the stack's `aws:region`. A cluster's baseline is the other clusters that serve traffic as
 * deployed now (weight above 0), each in its own region.
 */
export function productionMetrics(
  loaded: LoadedEnvironment,
  target: (cluster: string) => Promise<ClusterTarget | string>,
  deployed: () => DeployedState | undefined,
): ProductionMetrics {
  const specs = metricGates(loaded.environment.config);
  const clients = new Map<string, CloudWatchClient>();
  const stackRegion = loaded.file.config["aws:region"];
  const clientFor = (region: string | undefined) => {
    const where = region ?? (typeof stackRegion === "string" ? stackRegion : undefined);
    const key = where ?? "";
    let client = clients.get(key);
    if (!client) {
      client = new CloudWatchClient(where ? { region: where } : {});
      clients.set(key, client);
    }
    return client;
  };
  const metrics =
    specs.length === 0
      ? undefined
      : new EnvironmentMetrics({
          specs,
          source: (spec) => sourceFor(spec, { cloudwatchClientFor: clientFor }),
          target,
          peers: (cluster) => servingPeers(deployed()?.clusters ?? [], cluster),
        });
  return {
    metrics,
    close: () => {
      for (const client of clients.values()) client.destroy();
      clients.clear();
    },
  };
}
