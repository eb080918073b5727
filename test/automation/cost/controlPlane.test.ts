import * as assert from "node:assert/strict";
import { addMonths, controlPlaneRate } from "../../../automation/cost/controlPlane";
import { resolvePrices } from "../../../automation/cost/prices";
import type { PriceTable } from "../../../automation/cost/model";

const eks = (overrides: Partial<PriceTable["eks"]> = {}) => ({
  ...resolvePrices(undefined).eks,
  ...overrides,
});
const rate = (version: string, asOf: string, overrides: Partial<PriceTable["eks"]> = {}) =>
  controlPlaneRate(version, eks(overrides), asOf, "USD");

describe("EKS control plane rate", () => {
  it("is the standard rate before the version's end of standard support", () => {
    assert.deepEqual(rate("1.33", "2026-01-15"), { support: "standard", perHour: 0.1 });
  });

  it("says when standard support ends soon, and what it will cost", () => {
    const r = rate("1.33", "2026-06-29");
    assert.equal(r.support, "standard");
    assert.match(
      r.note ?? "",
      /1\.33 leaves standard support on 2026-07-29 \(in 30 days\): from then each control plane costs \$0\.60\/h instead of \$0\.10\/h/,
    );
  });

  it("is the extended rate from the end of standard support", () => {
    const r = rate("1.33", "2026-07-29");
    assert.equal(r.support, "extended");
    assert.equal(r.perHour, 0.6);
    assert.match(r.note ?? "", /in extended support since 2026-07-29/);
  });

  it("notes a version past extended support too (EKS upgrades it itself)", () => {
    assert.match(rate("1.30", "2026-08-01").note ?? "", /left extended support on 2026-07-23/);
  });

  it("prices a version newer than the calendar at the standard rate and asks for its date", () => {
    const r = rate("1.40", "2026-03-01");
    assert.equal(r.support, "standard");
    assert.match(
      r.note ?? "",
      /no end-of-standard-support date in costs\.eks\.standardSupportEnds/,
    );
  });

  it("prices a version older than the calendar at the extended rate", () => {
    assert.equal(rate("1.25", "2026-03-01").support, "extended");
  });

  it("follows the stack's rates, dates and forced tier", () => {
    assert.equal(rate("1.33", "2026-03-01", { standardPerHour: 0.08 }).perHour, 0.08);
    assert.equal(
      rate("1.33", "2026-03-01", { standardSupportEnds: { "1.33": "2026-02-01" } }).support,
      "extended",
    );
    const forced = rate("1.33", "2026-03-01", { support: "extended" });
    assert.equal(forced.perHour, 0.6);
    assert.match(forced.note ?? "", /every control plane priced at the extended-support rate/);
  });

  it("adds calendar months, clamping to the month's end", () => {
    assert.equal(addMonths("2026-07-29", 12), "2027-07-29");
    assert.equal(addMonths("2027-01-31", 1), "2027-02-28");
  });
});
