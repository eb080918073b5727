import { clusterSpec, generationOf, type ClusterSettings, type ClusterSpec } from "./clusters";
import { rampWeights } from "./ramp";
import { placementChanges, placementRefusal } from "./placement";
import { minorOf } from "./version";
import {
  clusterSettingsSchema,
  RolloutRefusal,
  type DeployedCluster,
  type Directive,
  type PreviousState,
  type RolloutRecord,
} from "./rolloutState";

/** What this update deploys: each cluster's effective spec, and the rollout record to keep. */
export interface EffectiveState {
  specs: ClusterSpec[];
  rollout: RolloutRecord | null;
  /** Clusters whose desired settings (everything they run) differ from their deployed ones. */
  pending: string[];
  /** Clusters held at their deployed settings in this update. */
  pinned: string[];
  /** Things the person running `pulumi up` should know (printed as warnings). */
  notes: string[];
}

export { RolloutRefusal };

/**
 * Decides what one update deploys, from the desired specs (the config), the previous deployment
 * (stack outputs) and, during `aa rollout`, the directive. Pure. The rules:
 *  - A cluster whose desired settings differ from its deployed ones is *pending*. Settings that
 *    an earlier version of this program did not record are taken from the desired ones
 *    ({@link deployedSettings}), so upgrading the toolkit alone moves no cluster.
 *  - A deployed cluster that is no longer in the config is never deleted by an update, unless
 *    the rollout record says `aa rollout` drained and released it. A plain `pulumi up` with no
 *    rollout recorded refuses it; during a rollout it is built as deployed (`removing`).
 *  - A new cluster of an environment that already serves is created without traffic (ramp 0);
 *    every deployed cluster keeps the ramp it was deployed with, and only a directive moves it
 *    (`aa rollout` ramping a new cluster up or a leaving one down). A brand-new environment gets
 *    its configured weights at once. Weights follow from the ramps (`./ramp.ts`).
 *  - A plain `pulumi up` (no directive, no rollout in progress) may move at most one pending
 *    cluster; with more it is refused and points to `aa rollout`.
 *  - While a rollout is in progress or halted (the record is in the stack), a plain `pulumi up`
 *    keeps every pending cluster at its deployed settings and every drained cluster at weight 0:
 *    environment-level changes still apply, but what a cluster runs never changes and no cluster
 *    is undrained behind the rollout's back.
 *  - With a directive, exactly the directive's cluster moves, to the directive's settings.
 *  - Clusters never end up more than one Kubernetes minor apart, and at most one is drained.
 */
export function resolveEffective(
  desired: ClusterSpec[],
  previous: PreviousState,
  directive?: Directive,
): EffectiveState {
  const deployed = new Map<string, DeployedCluster>(
    (previous.clusters ?? []).map((c) => [c.name, c]),
  );
  const recorded = new Map(
    desired.flatMap((d) => {
      const dep = deployed.get(d.name);
      return dep ? [[d.name, deployedSettings(dep, d.settings)] as const] : [];
    }),
  );
  const pending = desired
    .filter((d) => {
      const dep = deployed.get(d.name);
      if (dep === undefined) return false;
      return (recorded.get(d.name)?.generation ?? dep.generation) !== d.generation;
    })
    .map((d) => d.name);
  const record = directive ? directive.record : (previous.rollout ?? null);
  const drained = directive ? directive.drained : (record?.drained ?? []);
  const notes: string[] = [];

  const holding = directive !== undefined || record !== null;
  const configured = new Set(desired.map((d) => d.name));
  const released = new Set(record?.released ?? []);
  const removed = [...deployed.keys()].filter((n) => !configured.has(n) && !released.has(n));
  if (removed.length > 0 && !holding) {
    throw new RolloutRefusal(removalRefusal(removed));
  }
  // During a rollout, a cluster gone from the config stays as deployed until the rollout has
  // ramped it down, drained it and released it for deletion.
  const leaving = removed.map((name, i) => leavingSpec(deployed.get(name)!, desired.length + i));
  const names = new Set([...configured, ...removed]);
  const moved = placementChanges(
    desired.map((d) =>
      directive?.advance?.cluster === d.name ? { ...d, settings: directive.advance.settings } : d,
    ),
    [...deployed.values()],
  );
  if (moved.length > 0) throw new RolloutRefusal(placementRefusal(moved));
  if (directive?.advance && !configured.has(directive.advance.cluster)) {
    throw new RolloutRefusal(
      `the rollout directive advances cluster "${directive.advance.cluster}", which this environment does not have`,
    );
  }
  if (directive?.ramp && !names.has(directive.ramp.cluster)) {
    throw new RolloutRefusal(
      `the rollout directive ramps cluster "${directive.ramp.cluster}", which this environment does not have`,
    );
  }
  for (const name of drained) {
    if (!names.has(name)) {
      throw new RolloutRefusal(
        `cluster "${name}" is marked drained but is not in this environment`,
      );
    }
  }
  if (drained.length > 1) {
    throw new RolloutRefusal(
      `clusters ${drained.join(", ")} would all be drained at once; at most one cluster may be out of service`,
    );
  }

  if (!holding && pending.length > 1) {
    throw new RolloutRefusal(
      `this update would change cluster-scoped settings of ${pending.length} clusters at once ` +
        `(${pending.join(", ")}); cluster-scoped changes must reach one cluster at a time. ` +
        "Run `aa rollout " +
        "<env>` to roll them out cluster by cluster, or `aa plan <env>` to see the steps.",
    );
  }

  // Traffic: a cluster keeps the ramp it was deployed with unless the directive moves it; a new
  // cluster of an environment that already serves starts without traffic.
  const serving = deployed.size > 0;
  const rampOf = (name: string) => {
    if (directive?.ramp?.cluster === name) return directive.ramp.percent;
    const dep = deployed.get(name);
    if (dep) return dep.ramp ?? 100;
    return serving ? 0 : 100;
  };

  const pinned: string[] = [];
  const chosen = desired.map((d) => {
    const dep = deployed.get(d.name);
    let settings = d.settings;
    if (directive?.advance?.cluster === d.name) {
      settings = directive.advance.settings;
    } else if (holding && dep && pending.includes(d.name)) {
      settings = deployedSettings(dep, d.settings).settings;
      pinned.push(d.name);
    }
    return { ...d, settings };
  });
  const all = [...chosen, ...leaving];
  const weights = rampWeights(
    all.map((c) => ({
      configuredWeight: c.configuredWeight,
      ramp: rampOf(c.name),
      drained: drained.includes(c.name),
    })),
  );
  const specs = all.map((c, i) =>
    clusterSpec({
      name: c.name,
      index: c.index,
      weight: weights[i],
      configuredWeight: c.configuredWeight,
      ramp: rampOf(c.name),
      removing: c.removing === true,
      settings: c.settings,
    }),
  );

  const minors = specs.map((s) => minorOf(s.settings.kubernetesVersion));
  if (Math.max(...minors) - Math.min(...minors) > 1) {
    throw new RolloutRefusal(
      `this update would leave clusters more than one Kubernetes minor apart (${specs
        .map((s) => `${s.name}=${s.settings.kubernetesVersion}`)
        .join(", ")}); move one minor at a time`,
    );
  }
  if (specs.every((s) => s.weight === 0)) {
    throw new RolloutRefusal("this update would leave no cluster with traffic");
  }
  const unramped = specs.filter((s) => !s.removing && s.ramp < 100 && s.configuredWeight > 0);
  if (!directive && unramped.length > 0) {
    notes.push(
      unramped
        .map((s) =>
          s.ramp === 0
            ? deployed.has(s.name)
              ? `cluster ${s.name} has no traffic yet (weight 0)`
              : `cluster ${s.name} is created without traffic (weight 0)`
            : `cluster ${s.name} serves ${s.ramp}% of its weight`,
        )
        .join("; ") +
        "; `aa rollout <env>` checks its health and ramps its traffic up (a plain `pulumi up` never does)",
    );
  }

  const completed = [...recorded].filter(([, r]) => r.completed.length > 0);
  if (completed.length > 0) {
    const keys = [...new Set(completed.flatMap(([, r]) => r.completed))];
    notes.push(
      `the deployed settings of cluster ${completed.map(([n]) => n).join(", ")} were recorded by an earlier version of active-active, without ${keys.join(", ")}; ` +
        "they are taken as the config's, so a change to them in this same update is not seen as cluster-scoped. Deploy the toolkit upgrade with an unchanged config first",
    );
  }

  if (!directive && record) {
    if (pinned.length > 0) {
      notes.push(
        `rollout ${record.id} is ${record.state}: clusters ${pinned.join(", ")} stay at their deployed cluster-scoped settings; run \`aa rollout\` to continue`,
      );
    }
    if (drained.length > 0) {
      notes.push(
        `cluster ${drained.join(", ")} stays drained (weight 0) until \`aa rollout\` finishes`,
      );
    }
  }
  return { specs, rollout: record, pending, pinned, notes };
}

/** A deployed cluster's settings, complete, and their generation. */
export interface DeployedSettings {
  settings: ClusterSettings;
  /** Hash of {@link settings}: the generation to compare with the desired one. */
  generation: string;
  /** Keys the deployment did not record, taken from the desired settings. */
  completed: (keyof ClusterSettings)[];
}

/**
 * Keys whose absence from recorded settings means none: they are written only when set. A
 * cluster recorded without one (also by a version of this program from before the key existed)
 * runs none of it, so the first value given is a change like any other, which reaches the
 * clusters one at a time (a first `access` list is new permissions on every API server: one
 * cluster first).
 */
const ABSENT_IS_NONE: readonly (keyof ClusterSettings)[] = ["access"];

/**
 * What a deployed cluster runs, from its recorded settings. Outputs written by an earlier version
 * of this program lack the keys added to `ClusterSettings` since (the earliest recorded no
 * `settings` at all, only the cluster's Kubernetes version and add-ons): those are taken from
 * `desired`, so that upgrading this toolkit makes no cluster pending, except the keys of
 * {@link ABSENT_IS_NONE}, which it did not run. What was recorded is
 * compared as recorded: a real difference there is still a change. Pure.
 */
export function deployedSettings(
  cluster: DeployedCluster,
  desired: ClusterSettings,
): DeployedSettings {
  const recorded: Partial<ClusterSettings> = cluster.settings ?? {
    kubernetesVersion: cluster.kubernetesVersion,
    addons: cluster.addons,
  };
  const completed = (Object.keys(desired) as (keyof ClusterSettings)[]).filter(
    (key) =>
      !ABSENT_IS_NONE.includes(key) && desired[key] !== undefined && recorded[key] === undefined,
  );
  const settings: ClusterSettings = { ...desired };
  for (const key of ABSENT_IS_NONE) delete settings[key];
  for (const key of Object.keys(recorded) as (keyof ClusterSettings)[]) {
    if (recorded[key] !== undefined) Object.assign(settings, { [key]: recorded[key] });
  }
  return { settings, generation: generationOf(settings), completed };
}

/**
 * A deployed cluster that is no longer in the config, as its outputs describe it: built as it is
 * until `aa rollout` releases it. Outputs of an earlier version record too little to rebuild it.
 */
function leavingSpec(dep: DeployedCluster, index: number) {
  const settings = clusterSettingsSchema.safeParse(dep.settings);
  if (!settings.success) {
    throw new RolloutRefusal(
      `cluster "${dep.name}" is deployed but no longer in the config, and its stack outputs were written by an earlier version of active-active that did not record everything it runs, so it cannot be kept as it is while it is taken out. ` +
        `Put "${dep.name}" back into active-active:clusters as deployed, run a plain \`pulumi up\` once to record its settings, then remove it again`,
    );
  }
  const configuredWeight = dep.configuredWeight ?? (dep.weight > 0 ? dep.weight : 1);
  return {
    name: dep.name,
    index,
    configuredWeight,
    settings: settings.data,
    removing: true as const,
  };
}

function removalRefusal(removed: string[]): string {
  const one = removed.length === 1;
  const list = removed.map((n) => `"${n}"`).join(", ");
  return (
    `cluster${one ? "" : "s"} ${list} ${one ? "is" : "are"} deployed but no longer in the config, ` +
    `so this update would delete ${one ? "it" : "them"} at once, with ${one ? "its" : "their"} share of the traffic, without draining ${one ? "it" : "them"} first. ` +
    "A cluster is removed by `aa rollout " +
    "<env>`, which drains it, checks that the other clusters can absorb its share and releases it for deletion; " +
    `to keep ${one ? "it" : "them"}, put ${list} back into active-active:clusters.`
  );
}
