/** Health gates: what the rollout checks on a cluster before drain, after update and during soak. */
export type { GateCheckOptions, GateFailure, GateResult, HealthGate } from "./gate";
export {
  clusterTargetFromConfig,
  defaultSystemWorkloads,
  normalizeClusterTarget,
  type ClusterPeer,
  type ClusterTarget,
  type ClusterTargetArgs,
  type ClusterTargetFromConfigArgs,
  type KyvernoSettings,
  type ServiceTarget,
  type ServiceTargetArgs,
  type SystemWorkload,
} from "./target";
export { apiServerGate, type ApiServerGateArgs, type ApiServerObserved } from "./apiServer";
export { nodesGate, type NodesGateArgs, type NodesObserved } from "./nodes";
export { systemPodsGate, type SystemPodsGateArgs, type SystemPodsObserved } from "./systemPods";
export { deploymentsGate, type DeploymentsGateArgs, type DeploymentsObserved } from "./deployments";
export { httpProbeGate, type HttpProbeGateArgs, type HttpProbeObserved } from "./httpProbe";
export { route53Gate, type Route53GateArgs, type Route53Observed } from "./route53";
export { standardGates, type StandardGateName, type StandardGatesArgs } from "./standardGates";
export {
  gateRound,
  runGates,
  type GateRound,
  type RoundCheck,
  type RoundOptions,
  type RunGatesOptions,
} from "./run";
export { waitUntilHealthy, type HealthWaitArgs, type HealthWaitOutcome } from "./wait";
export { soak, type SoakArgs, type SoakOutcome } from "./soak";
export { systemClock, type Clock } from "./clock";
