import { isDefaultProvider, isKubernetesResource } from "../graph/resourceGraph";
import { names } from "./_props";
import type { Finding, PolicySpec } from "./policySpec";
import { label, stackView } from "./stackView";

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the level is the only setting
export interface NoAmbientKubernetesProviderConfig {}

const FIX =
  "Create one k8s.Provider per cluster from that cluster's kubeconfig, pass it explicitly " +
  "(`{ provider }`) to every Kubernetes resource, and disable default providers " +
  '(`pulumi:disable-default-providers: ["kubernetes"]` in the stack config).';

/**
 * `no-ambient-kubernetes-provider`: every Kubernetes resource uses an explicit provider that
 * depends on exactly one cluster; never the default provider, which deploys to whatever cluster
 * the local kubeconfig points at.
 */
export const noAmbientKubernetesProvider: PolicySpec<NoAmbientKubernetesProviderConfig> = {
  name: "no-ambient-kubernetes-provider",
  description:
    "Every Kubernetes resource uses an explicit provider built from exactly one cluster's kubeconfig.",
  enforcementLevel: "mandatory",
  scope: "stack",
  config: {},
  validate(nodes, _config, prebuilt) {
    const view = prebuilt ?? stackView(nodes);
    const findings: Finding[] = [];
    const types = view.types().filter((t) => t.startsWith("kubernetes:"));
    // Resources of one provider come one after another: its URN is tested once per run of them.
    let lastProvider: string | undefined;
    let lastIsDefault = true;
    const positions = view.positionsOf(types);
    for (let k = 0; k < positions.length; k++) {
      const i = positions[k];
      const node = nodes[i];
      if (!isKubernetesResource(node)) continue;
      const provider = node.provider;
      if (provider !== lastProvider) {
        lastProvider = provider;
        lastIsDefault = !provider || isDefaultProvider(provider);
      }
      if (!provider || lastIsDefault) {
        findings.push({
          urn: node.urn,
          message:
            `${label(node)} uses the default Kubernetes provider, which deploys to whatever ` +
            `cluster the ambient kubeconfig points at, so no cluster owns it. ${FIX}`,
        });
        continue;
      }
      // Membership gives a Kubernetes resource the cluster its provider depends on, if exactly one.
      if (view.clusterAt(i)) continue;
      const reached = view.reaches(provider);
      const providerNode = view.byUrn.get(provider);
      const what = providerNode ? label(providerNode) : `provider ${provider}`;
      findings.push({
        urn: node.urn,
        message:
          reached.length === 0
            ? `${label(node)} uses ${what}, which depends on no EKS cluster of this stack (its ` +
              `kubeconfig comes from outside the program), so its cluster cannot be known. ${FIX}`
            : `${label(node)} uses ${what}, which depends on clusters ` +
              `${names(reached.map((c) => c.name))}; a provider must belong to exactly one ` +
              `cluster. ${FIX}`,
      });
    }
    return findings;
  },
};
