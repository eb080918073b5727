import * as assert from "node:assert/strict";
import { kyvernoPods } from "../../../automation/cost/kyverno";
import { ConfigError } from "../../../config/errors";
import { parseEnvironment } from "../../../config/load";
import { environmentFixture } from "../../_fixtures";

/** Kyverno's pods for a chart with these values (validated through the real schema). */
function pods(values: Record<string, unknown>, chart: Record<string, unknown> = {}) {
  const env = parseEnvironment(
    "test",
    environmentFixture({
      kyverno: {
        repository: "https://kyverno.github.io/kyverno/",
        version: "3.4.4",
        values,
        ...chart,
      },
    }),
    "test stack",
  );
  return kyvernoPods(env.config.kyverno, "test stack");
}

const summary = (result: ReturnType<typeof pods>) =>
  result.pods.map((p) => [p.name, p.replicas, p.perPod.cpuMilli, p.perPod.memoryMiB]);

function rejection(values: Record<string, unknown>): string {
  try {
    pods(values);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.message;
  }
  assert.fail("values accepted");
}

describe("Kyverno's controllers, from the chart values", () => {
  it("uses the chart 3.x defaults when no values are set: four controllers, one replica each", () => {
    const result = pods({});
    assert.deepEqual(summary(result), [
      ["kyverno-admission-controller", 1, 100, 128],
      ["kyverno-background-controller", 1, 100, 64],
      ["kyverno-cleanup-controller", 1, 100, 64],
      ["kyverno-reports-controller", 1, 100, 64],
    ]);
    assert.deepEqual(result.notes, []);
    assert.ok(result.pods.every((p) => p.source === "kyverno chart 3.x default"));
  });

  it("reads replicas and requests the way Helm merges them over the defaults", () => {
    const result = pods({
      admissionController: { replicas: 3, container: { resources: { requests: { cpu: "250m" } } } },
      reportsController: { resources: { requests: { memory: "256Mi" } } },
    });
    assert.deepEqual(summary(result), [
      // cpu written, memory still the chart's 128Mi
      ["kyverno-admission-controller", 3, 250, 128],
      ["kyverno-background-controller", 1, 100, 64],
      ["kyverno-cleanup-controller", 1, 100, 64],
      ["kyverno-reports-controller", 1, 100, 256],
    ]);
    assert.equal(result.pods[0].source, "kyverno.values over chart defaults");
  });

  it("leaves out disabled controllers and counts nulled requests as none", () => {
    const result = pods({
      backgroundController: { enabled: false },
      cleanupController: { enabled: false },
      reportsController: { resources: { requests: null } },
    });
    assert.deepEqual(summary(result), [
      ["kyverno-admission-controller", 1, 100, 128],
      ["kyverno-reports-controller", 1, 0, 0],
    ]);
  });

  it("says when the chart is not the one the defaults come from", () => {
    const result = pods({}, { version: "2.7.5" });
    assert.match(
      result.notes[0],
      /chart 3\.x defaults; this stack installs chart "kyverno" 2\.7\.5/,
    );
  });

  const invalid: { why: string; values: Record<string, unknown>; field: string; shows: RegExp }[] =
    [
      {
        why: "replicas as text",
        values: { admissionController: { replicas: "three" } },
        field: "active-active:kyverno.values.admissionController.replicas",
        shows: /"three" is not a whole number of replicas/,
      },
      {
        why: "zero replicas, which the chart refuses",
        values: { backgroundController: { replicas: 0 } },
        field: "active-active:kyverno.values.backgroundController.replicas",
        shows: /0 is refused by the Kyverno chart; use at least 1, or set enabled: false/,
      },
      {
        why: "a CPU request that is not a quantity",
        values: { cleanupController: { resources: { requests: { cpu: "fast" } } } },
        field: "active-active:kyverno.values.cleanupController.resources.requests.cpu",
        shows: /"fast" is not a Kubernetes CPU quantity; write it like "100m"/,
      },
      {
        why: "enabled as text",
        values: { reportsController: { enabled: "yes" } },
        field: "active-active:kyverno.values.reportsController.enabled",
        shows: /"yes" is not true or false/,
      },
      {
        why: "a controller's values that are not a map",
        values: { backgroundController: "on" },
        field: "active-active:kyverno.values.backgroundController",
        shows: /"on" is not a map; the chart reads backgroundController as a map of values/,
      },
      {
        why: "resources that are not a map",
        values: { admissionController: { container: { resources: "small" } } },
        field: "active-active:kyverno.values.admissionController.container.resources",
        shows: /"small" is not a map/,
      },
      {
        why: "requests that are not a map",
        values: { admissionController: { container: { resources: { requests: "small" } } } },
        field: "active-active:kyverno.values.admissionController.container.resources.requests",
        shows: /"small" is not a map of requests/,
      },
    ];
  for (const row of invalid) {
    it(`rejects ${row.why}, naming the value's path`, () => {
      const message = rejection(row.values);
      const line = message.split("\n").find((l) => l.includes(`${row.field}:`));
      assert.ok(line, message);
      assert.match(line, row.shows);
    });
  }
});
