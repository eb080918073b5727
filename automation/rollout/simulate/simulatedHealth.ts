import type { Clock, ClusterHealth, GateOutcome } from "../ports";
import type { StepKind } from "../plan";
import { hasFault, type Fault } from "./faults";

/** How a simulated cluster's health evolves. */
export interface SimulatedHealthOptions {
  clusters: string[];
  services: string[];
  /** Nodes per cluster. @default 3 */
  nodes?: number;
  /** How long a changed cluster takes to settle (nodes replaced, pods rescheduled). @default 150 s */
  settleMs?: number;
  /** Timeout of one gate check; a hanging gate fails after it. @default 10 s */
  gateTimeoutMs?: number;
  /** The Kubernetes version each cluster is deployed at now. */
  versionOf: (cluster: string) => string;
  /** The percent of its weight each cluster serves now. @default 100 */
  rampOf?: (cluster: string) => number;
  faults: readonly Fault[];
}

/**
 * The health gates of simulated clusters, over (virtual) time, the way a real upgrade looks:
 * after its update a cluster's nodes are replaced one by one, system pods and services come back,
 * then every gate passes. Faults: `gate-fails` (never recovers after its update), `gate-hangs`
 * (the API server stops answering after its update; each check fails at its timeout),
 * `unhealthy-before` (CoreDNS is crash-looping before the rollout starts), `ramp-fails` (the
 * cluster's services fail once its traffic ramp reaches 50%: a new cluster that cannot take load).
 * A game day ({@link lose}) takes a whole cluster down: every gate fails until it is
 * {@link restore}d.
 */
export class SimulatedHealth implements ClusterHealth {
  private readonly changedAt = new Map<string, number>();
  private readonly changeKind = new Map<string, StepKind>();
  private readonly lost = new Set<string>();

  constructor(
    private readonly clock: Clock,
    private readonly options: SimulatedHealthOptions,
  ) {}

  /**
   * The simulated stack calls this when a cluster's settings changed: an upgrade replaces its
   * nodes one by one; a release (workloads only) rolls its Deployments' pods.
   */
  clusterChanged(cluster: string, kind: StepKind = "upgrade"): void {
    this.changedAt.set(cluster, this.clock.now());
    this.changeKind.set(cluster, kind);
  }

  /**
   * The cluster is lost (a cluster-scoped fault: its API server and its load balancer stop
   * answering): every gate fails, at once (a check's own timeout is not modelled), until
   * {@link restore}.
   */
  lose(cluster: string): void {
    this.lost.add(cluster);
  }

  /** The lost cluster is back as it was before (the fault removed): its gates pass again. */
  restore(cluster: string): void {
    this.lost.delete(cluster);
  }

  /**
   * One round of the simulated gates. The round's options are not modelled: a hanging gate takes
   * its own timeout (`gateTimeoutMs`) even when the health wait has less time left, as it always
   * has here; the real gates are capped (`GateHealth`).
   */
  async check(cluster: string): Promise<GateOutcome[]> {
    const { faults } = this.options;
    const nodes = this.options.nodes ?? 3;
    const version = this.options.versionOf(cluster);
    const changed = this.changedAt.get(cluster);
    const gate = (name: string, ok: boolean, detail: string): GateOutcome => ({
      gate: name,
      cluster,
      ok,
      detail,
    });

    if (this.lost.has(cluster)) return this.lostGates(cluster);
    if (changed !== undefined && hasFault(faults, cluster, "gate-hangs")) {
      const timeout = this.options.gateTimeoutMs ?? 10_000;
      await this.clock.sleep(timeout); // the check hangs until its timeout
      return [gate("api-server", false, `no answer from /readyz within ${timeout / 1000}s`)];
    }
    const results = [gate("api-server", true, "/readyz ok")];
    if (changed === undefined && hasFault(faults, cluster, "unhealthy-before")) {
      results.push(
        gate(
          "system-pods",
          false,
          "coredns 0/2 ready (CrashLoopBackOff: plugin/loop: Loop detected)",
        ),
      );
      return results;
    }
    const ramp = this.options.rampOf?.(cluster) ?? 100;
    if (ramp >= 50 && ramp < 100 && hasFault(faults, cluster, "ramp-fails")) {
      const [service = "api"] = this.options.services;
      results.push(
        gate("nodes", true, `${nodes}/${nodes} nodes Ready at v${version}`),
        gate(
          "http-probe",
          false,
          `GET ${service} health path through ${cluster}'s load balancer -> 503 Service Unavailable at ${ramp}% of its traffic`,
        ),
      );
      return results;
    }
    const release = changed !== undefined && this.changeKind.get(cluster) === "release";
    if (release && hasFault(faults, cluster, "gate-fails")) {
      const [service = "api"] = this.options.services;
      results.push(
        gate("nodes", true, `${nodes}/${nodes} nodes Ready at v${version}`),
        gate(
          "deployments",
          false,
          `${service} 2/2 old pods available, 0/1 new pods ready (CrashLoopBackOff: exit code 1) after the release`,
        ),
      );
      return results;
    }
    if (changed !== undefined && hasFault(faults, cluster, "gate-fails")) {
      results.push(
        gate(
          "nodes",
          false,
          `node ip-10-0-${nodes}-17 Ready=False (kubelet stopped posting node status) after the update to ${version}`,
        ),
      );
      return results;
    }
    const settle = this.options.settleMs ?? 150_000;
    const progress = changed === undefined ? 1 : Math.min(1, (this.clock.now() - changed) / settle);
    if (release && progress < 0.4) {
      // A release rolls each Deployment one surge pod at a time; nodes are left alone.
      results.push(
        gate("nodes", true, `${nodes}/${nodes} nodes Ready at v${version}`),
        ...this.options.services.map((s) =>
          gate("deployments", false, `${s} rolling out: 1/2 updated replicas available`),
        ),
      );
      return results;
    }
    if (!release && progress < 1) {
      const ready = Math.floor(progress * nodes);
      results.push(
        gate(
          "nodes",
          false,
          `${ready}/${nodes} nodes Ready at v${version} (node ip-10-0-${ready}-17 ${this.changeKind.get(cluster) === "add" ? "joining" : "replacing"})`,
        ),
        gate(
          "system-pods",
          progress > 0.5,
          progress > 0.5 ? "coredns 2/2, kube-proxy, aws-node, kyverno ready" : "coredns 1/2 ready",
        ),
        ...this.options.services.map((s) =>
          gate("deployments", progress > 0.5, `${s} ${progress > 0.5 ? "2/2" : "1/2"} available`),
        ),
      );
      return results;
    }
    results.push(
      gate("nodes", true, `${nodes}/${nodes} nodes Ready at v${version}`),
      gate("system-pods", true, "coredns 2/2, kube-proxy 3/3, aws-node 3/3, kyverno 3/3 ready"),
      ...this.options.services.map((s) => gate("deployments", true, `${s} 2/2 available`)),
      ...this.options.services.map((s) =>
        gate("http-probe", true, `GET ${s} health path through ${cluster}'s load balancer -> 200`),
      ),
      gate("route53", true, "health checks healthy (16/16 checkers)"),
    );
    return results;
  }

  /** What every gate of a lost cluster says: nothing answers. */
  private lostGates(cluster: string): GateOutcome[] {
    const gate = (name: string, detail: string): GateOutcome => ({
      gate: name,
      cluster,
      ok: false,
      detail,
    });
    const timeout = (this.options.gateTimeoutMs ?? 10_000) / 1000;
    const noApi = "the API server does not answer";
    return [
      gate("api-server", `no answer from /readyz within ${timeout}s`),
      gate("nodes", `cannot list nodes: ${noApi}`),
      gate("system-pods", `cannot read coredns, kube-proxy, aws-node, kyverno: ${noApi}`),
      ...this.options.services.map((s) => gate("deployments", `cannot read ${s}: ${noApi}`)),
      ...this.options.services.map((s) =>
        gate(
          "http-probe",
          `GET ${s} health path through ${cluster}'s load balancer: no answer within ${timeout}s`,
        ),
      ),
      gate("route53", "health checks failing (0/16 checkers report healthy)"),
    ];
  }
}
