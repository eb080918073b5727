import * as assert from "node:assert/strict";
import { inspect } from "node:util";
import { Secret } from "../../../automation/automationApi/secret";

describe("secret", () => {
  const secret = new Secret({ a: "kubeconfig-of-a" });

  it("gives its value only through reveal()", () => {
    assert.deepEqual(secret.reveal(), { a: "kubeconfig-of-a" });
  });

  it("prints as [secret] everywhere else", () => {
    // eslint-disable-next-line @typescript-eslint/restrict-template-expressions -- the template literal is what is tested
    assert.equal(`${secret}`, "[secret]");
    assert.equal(JSON.stringify({ secret }), '{"secret":"[secret]"}');
    assert.equal(inspect(secret), "[secret]");
    assert.equal(inspect({ nested: [secret] }, { depth: 5 }), "{ nested: [ [secret] ] }");
  });
});
