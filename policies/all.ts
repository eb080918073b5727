import { capacityNMinus1 } from "./capacityNMinus1";
import { clusterVersionSkew } from "./clusterVersionSkew";
import { eksEndpointRestricted } from "./eksEndpointRestricted";
import { eksSecretsEncrypted } from "./eksSecretsEncrypted";
import { minClusters } from "./minClusters";
import { noAmbientKubernetesProvider } from "./noAmbientKubernetesProvider";
import { noCrossClusterDependency } from "./noCrossClusterDependency";
import { noSharedSingleClusterDependency } from "./noSharedSingleClusterDependency";
import { nodesRequireImdsv2 } from "./nodesRequireImdsv2";
import type { AnyPolicySpec } from "./policySpec";
import { sessionAffinity } from "./sessionAffinity";
import { sharedStateOutsideClusters } from "./sharedStateOutsideClusters";
import { systemPodsPerCluster } from "./systemPodsPerCluster";
import { trafficReachesAllClusters } from "./trafficReachesAllClusters";
import { workloadOnAllClusters } from "./workloadOnAllClusters";

/** Every policy of the pack, in the order they are reported. */
export const POLICIES: readonly AnyPolicySpec[] = [
  minClusters,
  workloadOnAllClusters,
  noCrossClusterDependency,
  noSharedSingleClusterDependency,
  noAmbientKubernetesProvider,
  trafficReachesAllClusters,
  systemPodsPerCluster,
  clusterVersionSkew,
  sharedStateOutsideClusters,
  capacityNMinus1,
  eksEndpointRestricted,
  eksSecretsEncrypted,
  nodesRequireImdsv2,
  sessionAffinity,
];
