/** The minor number of a "1.<minor>" Kubernetes version: minorOf("1.31") === 31. */
export function minorOf(version: string): number {
  const match = /^1\.(\d+)$/.exec(version);
  if (!match) throw new Error(`not a Kubernetes minor version: ${JSON.stringify(version)}`);
  return Number(match[1]);
}
