import { EKS_EXTENDED_SUPPORT_MONTHS } from "./defaults";
import { rate as showRate } from "./_format";
import type { PriceTable, SupportTier } from "./model";

/** The rate one EKS control plane is billed at on a given day, and why. */
export interface ControlPlaneRate {
  support: SupportTier;
  perHour: number;
  /** Something the reader should know (a tier change ahead, a version the calendar lacks). */
  note?: string;
}

/** Days ahead within which a coming end of standard support is worth a note. */
const SOON_DAYS = 120;

/**
 * The EKS rate of a control plane at `version` on `asOf` ("YYYY-MM-DD"). With support "auto" a
 * version is in standard support before its `standardSupportEnds` date and in extended support
 * from that day; a version the calendar does not list is priced at the standard rate when it is
 * newer than every listed one and at the extended rate when it is older. "standard" and
 * "extended" force the rate. Pure.
 */
export function controlPlaneRate(
  version: string,
  eks: PriceTable["eks"],
  asOf: string,
  currency: string,
): ControlPlaneRate {
  const standard = showRate(eks.standardPerHour, currency, "h");
  const extended = showRate(eks.extendedPerHour, currency, "h");
  const rate = (support: SupportTier, note?: string): ControlPlaneRate => ({
    support,
    perHour: support === "standard" ? eks.standardPerHour : eks.extendedPerHour,
    ...(note ? { note } : {}),
  });
  if (eks.support !== "auto") {
    return rate(
      eks.support,
      `every control plane priced at the ${eks.support}-support rate (costs.eks.support)`,
    );
  }
  const end = eks.standardSupportEnds[version];
  if (end === undefined) {
    const listed = Object.keys(eks.standardSupportEnds).map(minor);
    const older = listed.length > 0 && minor(version) < Math.min(...listed);
    return older
      ? rate(
          "extended",
          `Kubernetes ${version} is older than every version in the EKS calendar: priced at the extended-support rate (EKS no longer runs it in standard support)`,
        )
      : rate(
          "standard",
          `Kubernetes ${version} has no end-of-standard-support date in costs.eks.standardSupportEnds: priced at the standard rate; add its date from the EKS release calendar`,
        );
  }
  if (asOf >= end) {
    const extendedEnd = addMonths(end, EKS_EXTENDED_SUPPORT_MONTHS);
    return rate(
      "extended",
      asOf >= extendedEnd
        ? `Kubernetes ${version} left extended support on ${extendedEnd}: EKS upgrades such clusters itself; priced at the extended-support rate`
        : `Kubernetes ${version} is in extended support since ${end}: ${extended} per control plane instead of ${standard} until you upgrade`,
    );
  }
  const days = daysBetween(asOf, end);
  return rate(
    "standard",
    days <= SOON_DAYS
      ? `Kubernetes ${version} leaves standard support on ${end} (in ${days} days): from then each control plane costs ${extended} instead of ${standard} unless upgraded`
      : undefined,
  );
}

function minor(version: string): number {
  return Number(version.split(".")[1]);
}

/** "YYYY-MM-DD" plus whole months, clamped to the month's last day. */
export function addMonths(date: string, months: number): string {
  const [y, m, d] = date.split("-").map(Number);
  const target = new Date(Date.UTC(y, m - 1 + months, 1));
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  target.setUTCDate(Math.min(d, lastDay));
  return target.toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}
