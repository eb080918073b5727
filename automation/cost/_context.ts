import type { EnvironmentConfig } from "../../config/schema";
import type { NodeShape, PriceTable, Requests } from "./model";
import type { systemRequests } from "./systemPods";

/** Everything a layout's cost depends on besides the layout itself. */
export interface Context {
  config: EnvironmentConfig;
  prices: PriceTable;
  node: NodeShape;
  asOf: string;
  /** System pod requests per cluster (Deployments) and per node (DaemonSets). */
  system: ReturnType<typeof systemRequests>;
  /** What one node offers to everything but the DaemonSets. */
  usable: Requests & { pods: number };
  /** The whole traffic's requests and pods. */
  workload: Requests & { pods: number };
}
