import { z } from "zod";
import { showValue } from "./_show";

/** AWS names the config validates in more than one place: regions and IAM role ARNs. */

const show = showValue;

/** An AWS region name as AWS writes it: "us-east-1", "eu-central-1", "us-gov-west-1". */
export const awsRegionSchema = z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, {
  error: (iss) =>
    `${show(iss.input)} is not an AWS region name; write it as AWS lists it, in lowercase, e.g. "us-west-2" or "eu-central-1"`,
});

/** The ARN of an IAM role: `arn:<partition>:iam::<12-digit account>:role/<path and name>`. */
export const roleArnSchema = z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
  error: (iss) =>
    `${show(iss.input)} is not an IAM role ARN; give the role to assume in the cluster's account, e.g. "arn:aws:iam::123456789012:role/active-active-deployer"`,
});
