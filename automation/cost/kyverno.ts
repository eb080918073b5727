import { ConfigError, fieldName, type ConfigProblem } from "../../config/errors";
import type { EnvironmentConfig } from "../../config/schema";
import { KYVERNO_CHART_MAJOR, KYVERNO_CONTROLLERS } from "./defaults";
import type { Requests, SystemPod } from "./model";
import { cpuMillicores, memoryMiB } from "../../capacity/quantity";

/** What a values path holds: not written (the chart default applies), null (removed), a value. */
type Lookup = { state: "absent" } | { state: "null" } | { state: "value"; value: unknown };

const show = (v: unknown): string => JSON.stringify(v) ?? String(v);

/**
 * Kyverno's controllers on one cluster, from the chart values in `kyverno.values` over the chart's
 * defaults (automation/cost/defaults.ts), merged the way Helm merges values: a key you write
 * replaces the default, a null removes it. Reads `<controller>.enabled`, `<controller>.replicas`
 * and the controller's resource requests. Throws a {@link ConfigError} naming every value it
 * cannot read.
 */
export function kyvernoPods(
  kyverno: EnvironmentConfig["kyverno"],
  source: string,
): { pods: SystemPod[]; notes: string[] } {
  const problems: ConfigProblem[] = [];
  const notes: string[] = [];
  const values = kyverno.values;
  const field = (path: string[]) => fieldName(["kyverno", "values", ...path]);
  const major = Number(kyverno.version.split(".")[0]);
  if (kyverno.chart !== "kyverno" || major !== KYVERNO_CHART_MAJOR) {
    notes.push(
      `Kyverno: the built-in requests are the kyverno/kyverno chart ${KYVERNO_CHART_MAJOR}.x defaults; ` +
        `this stack installs chart "${kyverno.chart}" ${kyverno.version}, so set each controller's ` +
        "requests in kyverno.values if they differ",
    );
  }

  const pods: SystemPod[] = [];
  for (const controller of KYVERNO_CONTROLLERS) {
    const at = (...rest: string[]) => [controller.key, ...rest];
    // The maps the chart reads this controller's values from: a scalar there breaks the chart.
    const maps = controller.requestsPath
      .slice(0, -1)
      .map((_, i) => at(...controller.requestsPath.slice(0, i + 1)));
    const broken = [at(), ...maps].find((path) => {
      const v = lookup(values, path);
      return v.state === "value" && !isMap(v.value);
    });
    if (broken) {
      const v = lookup(values, broken) as { value: unknown };
      problems.push({
        field: field(broken),
        message: `${show(v.value)} is not a map; the chart reads ${broken.join(".")} as a map of values, e.g. {replicas: 1}`,
      });
      continue;
    }
    let enabled = true;
    if (controller.canDisable) {
      const e = lookup(values, at("enabled"));
      if (e.state === "null") enabled = false;
      else if (e.state === "value") {
        if (typeof e.value === "boolean") enabled = e.value;
        else {
          problems.push({
            field: field(at("enabled")),
            message: `${show(e.value)} is not true or false; write enabled: true or enabled: false`,
          });
        }
      }
    }
    if (!enabled) continue;

    let replicas = 1;
    const r = lookup(values, at("replicas"));
    if (r.state === "value") {
      if (typeof r.value === "number" && Number.isInteger(r.value) && r.value >= 1) {
        replicas = r.value;
      } else {
        problems.push({
          field: field(at("replicas")),
          message:
            r.value === 0
              ? "0 is refused by the Kyverno chart; use at least 1" +
                (controller.canDisable ? ", or set enabled: false" : "")
              : `${show(r.value)} is not a whole number of replicas; write e.g. replicas: 3`,
        });
      }
    }

    const perPod = controllerRequests(values, [...at(...controller.requestsPath)], controller, {
      field,
      problems,
    });
    const written = r.state === "value" || perPod.written;
    pods.push({
      name: controller.name,
      kind: "Deployment",
      replicas,
      perPod: perPod.requests,
      source: written
        ? "kyverno.values over chart defaults"
        : `kyverno chart ${KYVERNO_CHART_MAJOR}.x default`,
    });
  }
  if (problems.length > 0) throw new ConfigError(source, problems);
  return { pods, notes };
}

function controllerRequests(
  values: Record<string, unknown>,
  path: string[],
  defaults: { cpu: string; memory: string },
  report: { field: (path: string[]) => string; problems: ConfigProblem[] },
): { requests: Requests; written: boolean } {
  const block = lookup(values, path);
  if (block.state === "null") return { requests: { cpuMilli: 0, memoryMiB: 0 }, written: true };
  if (block.state === "value" && !isMap(block.value)) {
    report.problems.push({
      field: report.field(path),
      message: `${show(block.value)} is not a map of requests; write e.g. {cpu: 100m, memory: 128Mi}`,
    });
    return { requests: { cpuMilli: 0, memoryMiB: 0 }, written: true };
  }
  const read = (key: "cpu" | "memory"): { value: number; written: boolean } => {
    const parse = key === "cpu" ? cpuMillicores : memoryMiB;
    const v = lookup(values, [...path, key]);
    if (v.state === "absent") return { value: parse(defaults[key]) ?? 0, written: false };
    if (v.state === "null") return { value: 0, written: true };
    const parsed =
      typeof v.value === "string" || typeof v.value === "number" ? parse(v.value) : undefined;
    if (parsed === undefined) {
      report.problems.push({
        field: report.field([...path, key]),
        message: `${show(v.value)} is not a Kubernetes ${key === "cpu" ? "CPU" : "memory"} quantity; write it like "${key === "cpu" ? "100m" : "128Mi"}"`,
      });
      return { value: 0, written: true };
    }
    return { value: parsed, written: true };
  };
  const cpu = read("cpu");
  const memory = read("memory");
  return {
    requests: { cpuMilli: cpu.value, memoryMiB: memory.value },
    written: cpu.written || memory.written,
  };
}

/** The value at `path` of Helm values, telling "not written" from "set to null". */
function lookup(values: unknown, path: readonly string[]): Lookup {
  let node: unknown = values;
  for (const key of path) {
    if (node === null) return { state: "null" };
    if (!isMap(node) || !(key in node)) return { state: "absent" };
    node = node[key];
  }
  return node === null || node === undefined ? { state: "null" } : { state: "value", value: node };
}

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
