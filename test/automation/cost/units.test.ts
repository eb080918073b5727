import * as assert from "node:assert/strict";
import { cents, money } from "../../../automation/cost/_format";

describe("money", () => {
  it("rounds to cents half away from zero, on the decimal digits", () => {
    assert.equal(cents(1.005), 1.01);
    assert.equal(cents(71.175), 71.18);
    assert.equal(cents(-30.325), -30.33);
    assert.ok(Object.is(cents(-0.001), 0));
  });

  it("formats amounts for the table", () => {
    assert.equal(money(1015.07, "USD"), "$1,015.07");
    assert.equal(money(-30.32, "USD"), "-$30.32");
    assert.equal(money(1234567.5, "EUR"), "1,234,567.50 EUR");
  });
});
