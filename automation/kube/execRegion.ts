/**
 * The AWS region a kubeconfig's credential plugin asks for its token in. EKS accepts a token only
 * from its own region's STS, and `aws eks get-token` signs in the region it is given, else in the
 * shell's (`AWS_REGION`, the profile's): a cluster in us-west-2 reached from a shell set to
 * us-east-1 would refuse a token that names no region. @pulumi/eks (3 and later) writes
 * `--region` from the cluster's ARN, so its kubeconfigs name it already; this makes sure any
 * kubeconfig `aa` hands to kubectl or the health gates does.
 */

/** A kubeconfig user's fields (`users[].user`), as plain data; only `exec` is read. */
export interface AuthInfo {
  exec?: unknown;
  [field: string]: unknown;
}

/**
 * The user with `--region <region>` added to its `aws eks get-token` plugin when the plugin names
 * no region (no `--region` argument, no AWS_REGION or AWS_DEFAULT_REGION in its env). Any other
 * user (a token, another plugin), one that names a region already, or no region to give: the
 * user as it is. Never changes its argument. Pure.
 */
export function withExecRegion<T extends AuthInfo>(user: T, region: string | undefined): T {
  if (!region || !isRecord(user.exec)) return user;
  const exec = user.exec;
  const args = Array.isArray(exec.args) ? (exec.args as unknown[]) : [];
  const command = typeof exec.command === "string" ? exec.command : "";
  if (!/(^|[/\\])aws(\.exe)?$/.test(command) || !args.includes("get-token")) return user;
  if (args.some((a) => a === "--region" || (typeof a === "string" && a.startsWith("--region=")))) {
    return user;
  }
  const env = Array.isArray(exec.env) ? (exec.env as unknown[]) : [];
  if (
    env.some((e) => isRecord(e) && (e.name === "AWS_REGION" || e.name === "AWS_DEFAULT_REGION"))
  ) {
    return user;
  }
  return { ...user, exec: { ...exec, args: [...args, "--region", region] } };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
