import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { aa } from "../_cli";

describe("aa status with clusters in two regions", () => {
  it("shows each cluster's region from the outputs, in the table and in --json", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "aa-status-region-"));
    const file = path.join(dir, "out.json");
    const cluster = (name: string, region: string) => ({
      name,
      weight: 1,
      region,
      kubernetesVersion: "1.33",
      addons: {
        vpcCni: "v1.19.5-eksbuild.1",
        coredns: "v1.12.1-eksbuild.2",
        kubeProxy: "v1.33.0-eksbuild.2",
      },
      generation: "0123456789ab",
      ingress: {},
    });
    fs.writeFileSync(
      file,
      JSON.stringify({
        environment: "prod",
        kubeconfigs: "[secret]",
        clusters: [cluster("a", "us-east-1"), cluster("b", "us-east-1"), cluster("c", "us-west-2")],
        rollout: null,
      }),
    );
    try {
      const json = aa(["status", "prod", "--deployed", file, "--json"]);
      assert.equal(json.code, 0, json.stderr);
      assert.deepEqual(
        (JSON.parse(json.stdout) as { clusters: { name: string; region: string }[] }).clusters.map(
          (c) => [c.name, c.region],
        ),
        [
          ["a", "us-east-1"],
          ["b", "us-east-1"],
          ["c", "us-west-2"],
        ],
      );
      const text = aa(["status", "prod", "--deployed", file]);
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /│ cluster │ weight │ region +│/);
      assert.match(text.stdout, /│ c +│ 1 +│ us-west-2 │/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
