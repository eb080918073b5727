import * as assert from "node:assert/strict";
import { renderIntegrity } from "../../../automation/check/renderIntegrity";
import type { IntegrityWarning } from "../../../automation/stackExport/stateIntegrity";

describe("aa check's text list of a state's integrity warnings (renderIntegrity)", () => {
  const warning = (k: number): IntegrityWarning => ({
    kind: "missing-reference",
    urns: [`urn:pulumi:prod::acme::aws:s3/bucket:Bucket::b${k}`],
    message: `urn:pulumi:prod::acme::aws:s3/bucket:Bucket::b${k} refers to what the state does not hold.`,
  });

  it("prints nothing for a sound state", () => {
    assert.equal(renderIntegrity([]), "");
  });

  it("says the audit went on, then each warning like a violation", () => {
    assert.equal(
      renderIntegrity([warning(1)]),
      "integrity: 1 warning(s) about the state; each says how aa read it, and the audit went on\n" +
        "\n" +
        "  ! [integrity] missing-reference\n" +
        "      urn:pulumi:prod::acme::aws:s3/bucket:Bucket::b1 refers to what the state does not hold.\n" +
        "\n",
    );
  });

  it("shows ten and counts the rest, which --json lists", () => {
    const text = renderIntegrity(Array.from({ length: 12 }, (_, k) => warning(k)));
    assert.equal(text.match(/! \[integrity\]/g)?.length, 10);
    assert.match(text, /\n {2}and 2 more \(`--json` lists them all\)\n\n$/);
  });
});
