import type { ResourceNode } from "../graph/resourceGraph";
import type { StackView } from "./stackView";

const STACK = "pulumi:pulumi:Stack";
const STACK_REFERENCE = "pulumi:pulumi:StackReference";

/**
 * True while the stack's rollout record (the `rollout` stack output `aa rollout` keeps) says a
 * release is in progress or halted: then the clusters run different workload versions on
 * purpose, one cluster at a time. The record is read where the graph has it: the root stack's
 * outputs (what this update exports, or what an export holds) and the outputs of the stack's
 * reference to itself (what the last update left; the program reads them back through it).
 */
export function releaseInProgress(nodes: readonly ResourceNode[], view: StackView): boolean {
  const positions = view.positionsOf([STACK, STACK_REFERENCE]);
  let root: ResourceNode | undefined;
  for (let k = 0; k < positions.length; k++) {
    const n = nodes[positions[k]];
    if (n.type === STACK && !n.parent) root = n;
  }
  if (!root) return false;
  const [, stack, project] = /^urn:pulumi:([^:]+)::([^:]+)::/.exec(root.urn) ?? [];
  for (let k = 0; k < positions.length; k++) {
    const n = nodes[positions[k]];
    const props = propsOf(n);
    if (n === root) {
      if (isRelease(props.rollout)) return true;
    } else if (
      n.type === STACK_REFERENCE &&
      refersTo(props.name ?? n.inputs.name, project, stack)
    ) {
      const outputs = props.outputs;
      if (
        outputs &&
        typeof outputs === "object" &&
        isRelease((outputs as { rollout?: unknown }).rollout)
      ) {
        return true;
      }
    }
  }
  return false;
}

function propsOf(n: ResourceNode): Record<string, unknown> {
  return n.outputs && Object.keys(n.outputs).length > 0 ? n.outputs : n.inputs;
}

/** A stack reference name (`org/project/stack`, `project/stack` or `stack`) naming this stack. */
function refersTo(name: unknown, project: string | undefined, stack: string | undefined): boolean {
  if (typeof name !== "string" || !stack) return false;
  const parts = name.split("/");
  if (parts[parts.length - 1] !== stack) return false;
  return parts.length === 1 || parts[parts.length - 2] === project;
}

function isRelease(record: unknown): boolean {
  if (!record || typeof record !== "object") return false;
  const r = record as { state?: unknown; kinds?: unknown };
  return (
    (r.state === "in-progress" || r.state === "halted") &&
    Array.isArray(r.kinds) &&
    r.kinds.includes("release")
  );
}
