import * as assert from "node:assert/strict";
import { Redactor } from "../../../automation/stack/_redact";
import { clusterUrns, kubeconfigFixture } from "./_stackFixtures";

describe("redactor", () => {
  it("leaves ordinary messages and URNs alone", () => {
    const urn = clusterUrns("prod", "b").nodes;
    const text = `error: update failed: ${urn}: NodeGroup dev-b-nodes is DEGRADED (exit 255)`;
    assert.equal(new Redactor().redact(text), text);
  });

  it("cuts a kubeconfig's token and certificate data, also inside escaped JSON", () => {
    const kubeconfig = kubeconfigFixture("a");
    const escaped = JSON.stringify(kubeconfig);
    const out = new Redactor().redact(`plain ${kubeconfig}\nescaped ${escaped}`);
    assert.doesNotMatch(out, /SECRET-TOKEN-OF-a/);
    assert.doesNotMatch(out, /LS0tLS1CRUdJTi/);
    assert.match(out, /https:\/\/a\.eks\.example/);
  });

  it("cuts PEM blocks, bearer tokens, Pulumi and AWS access keys", () => {
    const out = new Redactor().redact(
      [
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----",
        "Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.payload.sig",
        "PULUMI_ACCESS_TOKEN=pul-0123456789abcdef0123456789abcdef01234567",
        "aws key AKIAIOSFODNN7EXAMPLE",
        "password: hunter2hunter2",
      ].join("\n"),
    );
    for (const secret of ["MIIEpAIB", "eyJhbGci", "pul-0123", "AKIAIOSF", "hunter2"]) {
      assert.doesNotMatch(out, new RegExp(secret));
    }
  });

  it("cuts values it was told are secret, wherever they appear", () => {
    const redactor = new Redactor();
    redactor.remember("correct horse battery staple");
    assert.equal(
      redactor.redact("config value correct horse battery staple rejected"),
      "config value [secret] rejected",
    );
  });
});
