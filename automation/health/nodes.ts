import type { V1Node } from "@kubernetes/client-node";
import { guardedGate, type Verdict } from "./guard";
import { kubeSession, listAll, PAGE_SIZE } from "../k8s/kube";
import { minorOfReported } from "./_version";
import type { HealthGate } from "./gate";

/** One node as the nodes gate saw it. */
export type NodeObservation = {
  name: string;
  /** Status of the Ready condition: "True", "False" or "Unknown". */
  ready: string;
  kubeletVersion: string;
  /** Cordoned (reported, not a failure: a node group update cordons old nodes). */
  unschedulable: boolean;
};

/** What the nodes gate saw. */
export type NodesObserved = { nodes: NodeObservation[] };

/** Arguments of {@link nodesGate}. */
export interface NodesGateArgs {
  /** Timeout of one check, milliseconds. @default 15000 */
  timeoutMs?: number;
}

/** Problems listed in a detail before "and N more". */
const SHOWN = 3;

/**
 * "nodes": at least one node is registered, every node is Ready, and every kubelet reports the
 * expected minor (e.g. v1.33.x-eks-... for "1.33"). The node list is read in full, page by page;
 * a listing that fails is an error, never "no nodes".
 */
export function nodesGate(args: NodesGateArgs = {}): HealthGate<NodesObserved> {
  const name = "nodes";
  const timeoutMs = args.timeoutMs ?? 15_000;
  return guardedGate(name, timeoutMs, async (ctx) => {
    const { target } = ctx;
    const kube = kubeSession(ctx);
    const nodes = await listAll(ctx, "listing nodes", (cont) =>
      kube.core.listNode({ limit: PAGE_SIZE, _continue: cont }, kube.options),
    );
    return evaluateNodes(nodes, target.kubernetesVersion);
  });
}

/** The verdict on a complete node list. Pure. */
export function evaluateNodes(nodes: V1Node[], expectedMinor: string): Verdict<NodesObserved> {
  const observed: NodesObserved = {
    nodes: nodes.map((n) => ({
      name: n.metadata?.name ?? "(unnamed)",
      ready: n.status?.conditions?.find((c) => c.type === "Ready")?.status ?? "Unknown",
      kubeletVersion: n.status?.nodeInfo?.kubeletVersion ?? "",
      unschedulable: n.spec?.unschedulable === true,
    })),
  };
  if (nodes.length === 0) {
    return { ok: false, detail: "no nodes registered with the API server", observed };
  }
  const problems: string[] = [];
  nodes.forEach((node, i) => {
    const seen = observed.nodes[i];
    if (seen.ready !== "True") {
      const cond = node.status?.conditions?.find((c) => c.type === "Ready");
      const why = cond?.reason ? ` (${cond.reason}${cond.message ? `: ${cond.message}` : ""})` : "";
      problems.push(
        `node ${seen.name} Ready=${cond ? seen.ready : "Unknown, no Ready condition"}${why}`,
      );
    }
    if (minorOfReported(seen.kubeletVersion) !== expectedMinor) {
      problems.push(
        `node ${seen.name} kubelet ${seen.kubeletVersion || "version unknown"}, expected ${expectedMinor}`,
      );
    }
  });
  if (problems.length > 0) {
    const more = problems.length > SHOWN ? `; and ${problems.length - SHOWN} more` : "";
    return { ok: false, detail: `${problems.slice(0, SHOWN).join("; ")}${more}`, observed };
  }
  const versions = [...new Set(observed.nodes.map((n) => n.kubeletVersion))].join(", ");
  const count = nodes.length === 1 ? "1 node" : `${nodes.length} nodes`;
  return { ok: true, detail: `${count} Ready, kubelet ${versions}`, observed };
}
