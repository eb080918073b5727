import * as assert from "node:assert/strict";
import Ajv, { type AnySchema } from "ajv-draft-04";
import addFormats from "ajv-formats";

/**
 * The SARIF 2.1.0 JSON schema (2.1.0-rtm.5, the OASIS standard's schema, draft-04), as shipped in
 * the @microsoft/sarif-matcher-utils package: only its schema file is used.
 */
const SARIF_SCHEMA_FILE = "@microsoft/sarif-matcher-utils/lib/schemas/sarif-2.1.0-rtm.5.json";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const SARIF_SCHEMA = require(SARIF_SCHEMA_FILE) as AnySchema;

/** Validates a SARIF log against the SARIF 2.1.0 JSON schema; fails with the schema's errors. */
export function assertSarifSchema(log: unknown): void {
  // The schema's `language` pattern has a stray "]" that only non-unicode regular expressions accept.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  // The schema's formats (uri, uri-reference, date-time) are checked, not ignored with a warning.
  addFormats(ajv);
  const validate = ajv.compile(SARIF_SCHEMA);
  const ok = validate(log);
  assert.ok(ok, `not valid SARIF 2.1.0: ${JSON.stringify(validate.errors, null, 2)}`);
}

/**
 * Checks a SARIF log against the structure SARIF 2.1.0 requires (and GitHub code scanning reads):
 * version and runs; a tool driver with a name and rules with unique ids; results whose ruleId and
 * ruleIndex point at a rule, with a level from the spec's enum, a message text, and at least one
 * location whose physical location is a relative URI with an optional 1-based region.
 */
export function assertValidSarif(log: unknown): void {
  assertSarifSchema(log);
  const l = log as Record<string, unknown>;
  assert.equal(l.version, "2.1.0");
  assert.equal(typeof l.$schema, "string");
  assert.ok(Array.isArray(l.runs) && l.runs.length > 0, "runs is a non-empty array");
  for (const run of l.runs as Record<string, unknown>[]) {
    const driver = (run.tool as { driver?: Record<string, unknown> })?.driver;
    assert.ok(driver, "run.tool.driver");
    assert.equal(typeof driver.name, "string");
    const rules = driver.rules as { id: unknown; shortDescription?: { text?: unknown } }[];
    assert.ok(Array.isArray(rules));
    const ids = rules.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, "rule ids are unique");
    for (const r of rules) {
      assert.equal(typeof r.id, "string");
      assert.equal(typeof r.shortDescription?.text, "string");
    }
    assert.ok(Array.isArray(run.results), "run.results is an array");
    for (const result of run.results as Record<string, unknown>[]) {
      assert.ok(ids.includes(result.ruleId), `result.ruleId ${String(result.ruleId)} is a rule`);
      assert.equal(ids[result.ruleIndex as number], result.ruleId, "ruleIndex points at the rule");
      assert.ok(["none", "note", "warning", "error"].includes(result.level as string));
      const text = (result.message as { text?: unknown })?.text;
      assert.ok(typeof text === "string" && text.length > 0, "result.message.text");
      const locations = result.locations as Record<string, unknown>[];
      assert.ok(Array.isArray(locations) && locations.length >= 1, "at least one location");
      for (const loc of locations) {
        const physical = loc.physicalLocation as
          { artifactLocation?: { uri?: unknown }; region?: { startLine?: unknown } } | undefined;
        const logical = loc.logicalLocations as { fullyQualifiedName?: unknown }[] | undefined;
        assert.ok(physical || logical, "a location is physical, logical or both");
        if (physical) {
          const uri = physical.artifactLocation?.uri;
          assert.ok(typeof uri === "string" && !uri.includes("\\") && !/^[a-z]+:/i.test(uri));
          if (physical.region) {
            const line = physical.region.startLine;
            assert.ok(Number.isInteger(line) && (line as number) >= 1, "startLine is 1-based");
          }
        }
        for (const ll of logical ?? []) assert.equal(typeof ll.fullyQualifiedName, "string");
      }
    }
  }
}
