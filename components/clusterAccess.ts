import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { accessEntries, type AccessGrant } from "../config/access";

/** Arguments of {@link grantClusterAccess}. */
export interface ClusterAccessArgs {
  /** The EKS cluster's name in AWS. */
  clusterName: pulumi.Input<string>;
  /** The environment's `access` list (the cluster's settings). @default none */
  access?: readonly AccessGrant[];
  /** Tags of the cluster's AWS resources. */
  tags: Record<string, string>;
}

/** A short, stable name part for a principal: its place in the list may change, its ARN not. */
function principalId(principalArn: string): string {
  return createHash("sha256").update(principalArn).digest("hex").slice(0, 8);
}

/**
 * Gives every principal of `access` an EKS access entry on one cluster (`type: STANDARD`), and
 * each of its policies an access policy association, at cluster or namespace scope. Names come
 * from the principal's ARN (`<cell>-access-<8 hex>` and `-<policy>`), so reordering the list
 * replaces nothing. `opts` carries the cell as parent and the cluster's AWS provider, if it has
 * its own. Returns the entries, in the list's order.
 */
export function grantClusterAccess(
  name: string,
  args: ClusterAccessArgs,
  opts: pulumi.CustomResourceOptions,
): aws.eks.AccessEntry[] {
  return accessEntries(args.access).map((plan) => {
    const entryName = `${name}-access-${principalId(plan.principalArn)}`;
    const entry = new aws.eks.AccessEntry(
      entryName,
      {
        clusterName: args.clusterName,
        principalArn: plan.principalArn,
        type: "STANDARD",
        tags: args.tags,
      },
      opts,
    );
    for (const association of plan.associations) {
      new aws.eks.AccessPolicyAssociation(
        `${entryName}-${association.policy}`,
        {
          clusterName: args.clusterName,
          // From the entry: the association waits for it, and is replaced with it.
          principalArn: entry.principalArn,
          policyArn: association.policyArn,
          accessScope: association.scope,
        },
        opts,
      );
    }
    return entry;
  });
}
