import type { GraphIndex } from "./graphIndex";
import type { MembershipReason } from "./membership";
import { isKubernetesResource } from "./resourceGraph";

const NONE = -1;

/**
 * Rule 6 of `clusterMembership` ("used-by"): a custom resource (not a Kubernetes resource) that
 * belongs to no cluster and reaches none, and that is used (as a dependency, property dependency
 * or provider; not as a parent) only by resources of cluster X, belongs to X. Decided in reverse
 * dependency order (`g.order`, users before what they use, whatever the order of registration),
 * so that a chain of such resources (a VPC under a route table under an association) is settled
 * from its users down. Fills `ownerAt` and `reasonAt` in place.
 */
export function settleUsedBy(
  g: GraphIndex,
  reachAt: readonly (ReadonlySet<string> | undefined)[],
  ownerAt: Int32Array,
  reasonAt: MembershipReason[],
): void {
  const { size, nodes, slotOfNode, edgeStart, edges } = g;
  const count = nodes.length;
  const unowned = (i: number) => {
    const at = slotOfNode[i];
    const n = nodes[i];
    return (
      ownerAt[at] === NONE && (reachAt[at]?.size ?? 0) === 0 && n.custom && !isKubernetesResource(n)
    );
  };
  const candidate = new Uint8Array(size);
  let candidates = 0;
  for (let i = 0; i < count; i++) {
    if (unowned(i)) {
      candidate[slotOfNode[i]] = 1;
      candidates++;
    }
  }
  if (candidates === 0) return;
  const usersAt = new Array<number[] | undefined>(size);
  for (let i = 0; i < count; i++) {
    const self = slotOfNode[i];
    for (let e = edgeStart[i]; e < edgeStart[i + 1]; e++) {
      const dep = edges[e];
      if (dep === self || candidate[dep] === 0) continue;
      const users = (usersAt[dep] ??= []);
      if (users[users.length - 1] !== self) users.push(self);
    }
  }
  const { order } = g.order;
  for (let k = count - 1; k >= 0; k--) {
    const i = order[k];
    if (!unowned(i)) continue;
    const at = slotOfNode[i];
    const users = usersAt[at];
    if (!users) continue;
    let owner = NONE;
    for (const u of users) {
      const o = ownerAt[u];
      if (o === NONE || (owner !== NONE && o !== owner)) {
        owner = NONE;
        break;
      }
      owner = o;
    }
    if (owner !== NONE) {
      ownerAt[at] = owner;
      reasonAt[at] = "used-by";
    }
  }
}
