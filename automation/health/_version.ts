/**
 * The "major.minor" of a version a Kubernetes component reports: "v1.33.5-eks-113cf36" -> "1.33".
 * Undefined when the text is not a Kubernetes version.
 */
export function minorOfReported(version: string | undefined): string | undefined {
  const match = /^v?(\d+)\.(\d+)(\.|$|[-+])/.exec(version ?? "");
  return match ? `${Number(match[1])}.${Number(match[2])}` : undefined;
}
