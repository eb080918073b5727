/**
 * Route 53 weights while a cluster's traffic ramps. A ramp is a percent of the cluster's
 * configured weight; weights are whole numbers from 0 to 255, so a share such as 10% of weight 1
 * cannot be written as it is. While any cluster is partway through a ramp, every weight is
 * multiplied by the same scale (at most 100, and so that the largest stays within 255): the
 * shares of the clusters at full weight stay as configured, and the ramping cluster gets its
 * percent of its own. With every cluster at 0% or 100%, weights are exactly as configured.
 */

/** One cluster's weight inputs. */
export interface RampInput {
  /** The weight the config gives the cluster. */
  configuredWeight: number;
  /** Percent of it the cluster serves, 0 to 100. */
  ramp: number;
  /** Drained: weight 0, whatever the ramp. */
  drained: boolean;
}

/** The largest Route 53 weight. */
export const MAX_WEIGHT = 255;

/** The weight of each cluster, in input order. Pure. */
export function rampWeights(clusters: readonly RampInput[]): number[] {
  const partway = clusters.some((c) => c.ramp > 0 && c.ramp < 100 && c.configuredWeight > 0);
  const largest = Math.max(1, ...clusters.map((c) => c.configuredWeight));
  const scale = partway ? Math.max(1, Math.min(100, Math.floor(MAX_WEIGHT / largest))) : 1;
  return clusters.map((c) => {
    if (c.drained || c.ramp === 0 || c.configuredWeight === 0) return 0;
    const full = c.configuredWeight * scale;
    if (c.ramp === 100) return full;
    return Math.min(full, Math.max(1, Math.round((full * c.ramp) / 100)));
  });
}

/**
 * The ramp percents a cluster goes through from `from`: up to 100 (`[10, 50, 100]` from 0,
 * `[100]` from 50, with steps [10, 50, 100]), or down towards 0 (`[50, 10]` from 100; the drain
 * that follows takes it to 0). Pure.
 */
export function rampPath(
  steps: readonly number[],
  from: number,
  direction: "up" | "down",
): number[] {
  if (direction === "up") return steps.filter((p) => p > from);
  return steps.filter((p) => p < from).reverse();
}
