import { z } from "zod";
import { showValue } from "./_show";

/**
 * Who may use each cluster's Kubernetes API: the `access` key of the stack config, and the EKS
 * access entries and access policy associations it becomes on every cluster. Pure.
 */

const show = showValue;

/** The access policies a grant may name, and the EKS access policy each one is. */
export const ACCESS_POLICIES = {
  "cluster-admin": "AmazonEKSClusterAdminPolicy",
  admin: "AmazonEKSAdminPolicy",
  edit: "AmazonEKSEditPolicy",
  view: "AmazonEKSViewPolicy",
} as const;

export type AccessPolicy = keyof typeof ACCESS_POLICIES;
const POLICY_NAMES = Object.keys(ACCESS_POLICIES) as AccessPolicy[];

/** An IAM role or user: `arn:<partition>:iam::<12-digit account>:role/...` or `:user/...`. */
const PRINCIPAL_ARN = /^arn:(aws[a-z-]*):iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;

/** A Kubernetes namespace name (RFC 1123 label). */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** One grant: an IAM principal, what it may do, and where. */
export const accessGrantSchema = z
  .strictObject({
    /** The IAM role or user, e.g. "arn:aws:iam::123456789012:role/platform-ci". */
    principalArn: z.string().regex(PRINCIPAL_ARN, {
      error: (iss) =>
        `${show(iss.input)} is not the ARN of an IAM role or user; give it as IAM shows it, e.g. "arn:aws:iam::123456789012:role/platform-ci"`,
    }),
    /** What it may do: "cluster-admin", "admin", "edit" or "view" (EKS access policies). */
    policy: z.enum(POLICY_NAMES, {
      error: (iss) =>
        `${show(iss.input)} is not an access policy; use one of ${POLICY_NAMES.map((p) => `"${p}"`).join(", ")}`,
    }),
    /**
     * The namespaces the policy applies in; without it, the whole cluster.
     * @default the whole cluster
     */
    namespaces: z
      .array(
        z
          .string()
          .max(63)
          .regex(NAMESPACE, {
            error: (iss) =>
              `${show(iss.input)} is not a Kubernetes namespace name; use lowercase letters, digits and "-", e.g. "apps"`,
          }),
      )
      .min(1, {
        error: "list at least one namespace, or leave namespaces out for the whole cluster",
      })
      .optional(),
  })
  .superRefine((grant, ctx) => {
    if (grant.policy === "cluster-admin" && grant.namespaces !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["namespaces"],
        input: grant.namespaces,
        message:
          'cluster-admin is for the whole cluster; leave namespaces out, or use "admin" for administrators of these namespaces',
      });
    }
  });

export type AccessGrant = z.output<typeof accessGrantSchema>;

/** The whole list: at most one grant of a policy to a principal. */
export const accessSchema = z.array(accessGrantSchema).superRefine((grants, ctx) => {
  const seen = new Map<string, number>();
  grants.forEach((grant, index) => {
    const key = `${grant.principalArn} ${grant.policy}`;
    const first = seen.get(key);
    if (first === undefined) {
      seen.set(key, index);
      return;
    }
    ctx.addIssue({
      code: "custom",
      path: [index, "policy"],
      input: grant.policy,
      message: `access[${first}] already grants "${grant.policy}" to ${grant.principalArn}; list its namespaces in that one entry`,
    });
  });
});

/** One EKS access policy association of an access entry. */
export interface AccessAssociation {
  policy: AccessPolicy;
  /** `arn:<partition>:eks::aws:cluster-access-policy/<AmazonEKS...Policy>`. */
  policyArn: string;
  /** Where it applies: the cluster, or these namespaces (sorted, once each). */
  scope: { type: "cluster" } | { type: "namespace"; namespaces: string[] };
}

/** One EKS access entry: a principal, with every policy granted to it. */
export interface AccessEntryPlan {
  principalArn: string;
  associations: AccessAssociation[];
}

/**
 * The access entries every cluster gets: one per principal, in the order the principals first
 * appear, with one association per policy granted to it. The policy ARN is in the principal's
 * partition (the cluster's: EKS takes principals of its own partition only).
 */
export function accessEntries(grants: readonly AccessGrant[] = []): AccessEntryPlan[] {
  const entries = new Map<string, AccessEntryPlan>();
  for (const grant of grants) {
    const partition = PRINCIPAL_ARN.exec(grant.principalArn)?.[1] ?? "aws";
    const entry = entries.get(grant.principalArn) ?? {
      principalArn: grant.principalArn,
      associations: [],
    };
    entries.set(grant.principalArn, entry);
    entry.associations.push({
      policy: grant.policy,
      policyArn: `arn:${partition}:eks::aws:cluster-access-policy/${ACCESS_POLICIES[grant.policy]}`,
      scope:
        grant.namespaces === undefined
          ? { type: "cluster" }
          : { type: "namespace", namespaces: [...new Set(grant.namespaces)].sort() },
    });
  }
  return [...entries.values()];
}
