import { describe, eksSettings } from "./_eksSettings";
import type { Finding, PolicySpec } from "./policySpec";
import { stackView } from "./stackView";

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the level is the only setting
export interface EksSecretsEncryptedConfig {}

/**
 * `eks-secrets-encrypted`: each cluster encrypts Kubernetes secrets with a KMS key. Each cluster
 * is judged once, on the resource that holds its settings (see {@link eksSettings}).
 */
export const eksSecretsEncrypted: PolicySpec<EksSecretsEncryptedConfig> = {
  name: "eks-secrets-encrypted",
  description: "Each EKS cluster encrypts Kubernetes secrets with its own KMS key.",
  enforcementLevel: "mandatory",
  scope: "stack",
  config: {},
  validate(nodes, _config, prebuilt) {
    const view = prebuilt ?? stackView(nodes);
    const findings: Finding[] = [];
    for (const s of eksSettings(view)) {
      if (s.secretsKeyArn !== undefined) continue; // set, or set from a key not known yet
      const fix =
        s.from === "arguments" || s.createdBy
          ? `set encryptionConfigKeyArn on the eks.Cluster`
          : `set encryptionConfig { provider: { keyArn }, resources: ["secrets"] }`;
      findings.push({
        urn: s.node.urn,
        message:
          `${describe(s)} does not encrypt Kubernetes secrets with a KMS key, so they are ` +
          `stored only with EKS's default encryption and anyone with etcd access can read them. ` +
          `Create an aws.kms.Key for this cluster and ${fix}.`,
      });
    }
    return findings;
  },
};
