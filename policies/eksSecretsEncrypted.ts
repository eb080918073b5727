import { AWS_EKS_CLUSTER, EKS_COMPONENT } from "./_clusters";
import { eksName, eksSettings } from "./_eksSettings";
import type { Finding, PolicySpec } from "./policySpec";
import { label } from "./stackView";

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- the level is the only setting
export interface EksSecretsEncryptedConfig {}

/** `eks-secrets-encrypted`: each cluster encrypts Kubernetes secrets with a KMS key. */
export const eksSecretsEncrypted: PolicySpec<EksSecretsEncryptedConfig> = {
  name: "eks-secrets-encrypted",
  description: "Each EKS cluster encrypts Kubernetes secrets with its own KMS key.",
  enforcementLevel: "mandatory",
  scope: "resource",
  types: [EKS_COMPONENT, AWS_EKS_CLUSTER],
  config: {},
  validate(nodes) {
    const findings: Finding[] = [];
    for (const node of nodes) {
      const s = eksSettings(node);
      if (!s || s.secretsKeyArn !== undefined) continue; // set, or set from a key not known yet
      findings.push({
        urn: node.urn,
        message:
          `${label(node)} (cluster "${eksName(node)}") does not encrypt Kubernetes secrets with ` +
          `a KMS key, so they are stored only with EKS's default encryption and anyone with ` +
          `etcd access can read them. Create an aws.kms.Key for this cluster and set ` +
          `encryptionConfigKeyArn (eks.Cluster) or encryptionConfig { provider: { keyArn }, ` +
          `resources: ["secrets"] } (aws.eks.Cluster).`,
      });
    }
    return findings;
  },
};
