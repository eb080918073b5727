import type { EnvironmentConfig } from "../../config/schema";
import type { NodeShape, PriceTable, Requests } from "./model";
import type { systemRequests } from "./systemPods";

/** The prices of one region, and the node priced with them. */
export interface RegionContext {
  region: string | undefined;
  /** `costs.regions.<region>` over the environment's table, or the environment's table. */
  table: "region" | "environment";
  prices: PriceTable;
  node: NodeShape;
}

/** Everything a layout's cost depends on besides the layout itself. */
export interface Context {
  config: EnvironmentConfig;
  /** The prices of the environment's own region (the stack's `aws:region`). */
  prices: PriceTable;
  /** The node priced in the environment's own region. */
  node: NodeShape;
  /** The prices of a region and its node (sizes are the same everywhere, prices may not be). */
  regional(region: string | undefined): RegionContext;
  asOf: string;
  /** System pod requests per cluster (Deployments) and per node (DaemonSets). */
  system: ReturnType<typeof systemRequests>;
  /** What one node offers to everything but the DaemonSets. */
  usable: Requests & { pods: number };
  /** The whole traffic's requests and pods. */
  workload: Requests & { pods: number };
}
