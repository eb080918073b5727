import * as assert from "node:assert/strict";
import { ConfigError } from "../../config/errors";
import { parseEnvironment } from "../../config/load";
import { clusterFixture, environmentFixture, serviceFixture } from "../_fixtures";

/** Parses and returns the single ConfigError message, or fails. */
function rejection(raw: Record<string, unknown>, name = "test"): string {
  try {
    parseEnvironment(name, raw, "test stack");
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail("config was accepted");
}

const clusters = (...list: Record<string, unknown>[]) => list;

describe("environment config", () => {
  it("accepts a valid environment and fills in the defaults", () => {
    const env = parseEnvironment("test", environmentFixture(), "test stack");
    assert.equal(env.name, "test");
    assert.equal(env.config.minClusters, 2);
    assert.equal(env.config.namespace, "apps");
    assert.equal(env.config.dns.ttl, 60);
    assert.equal(env.config.kyverno.chart, "kyverno");
    assert.equal(env.config.services[0].healthPath, "/healthz");
    assert.deepEqual(
      env.config.clusters.map((c) => c.weight),
      [1, 1, 1],
    );
  });

  it("accepts services that share a port: each has its own load balancer", () => {
    const names = ["api", "web", "admin"];
    const env = parseEnvironment(
      "dev",
      environmentFixture({ services: names.map((name) => serviceFixture({ name, port: 8080 })) }),
      "test stack",
    );
    assert.deepEqual(
      env.config.services.map((s) => [s.name, s.port]),
      names.map((name) => [name, 8080]),
    );
  });

  it("ramps traffic by [10, 50, 100] percent unless the config says otherwise", () => {
    const env = parseEnvironment("test", environmentFixture(), "test stack");
    assert.deepEqual(env.config.rollout.rampPercent, [10, 50, 100]);
    const custom = parseEnvironment(
      "test",
      environmentFixture({ rollout: { rampPercent: [25, 100] } }),
      "test stack",
    );
    assert.deepEqual(custom.config.rollout.rampPercent, [25, 100]);
  });

  it("accepts a new cluster that replaces one no longer listed", () => {
    const env = parseEnvironment(
      "test",
      environmentFixture({
        clusters: [
          clusterFixture("a", 0),
          clusterFixture("b", 1),
          clusterFixture("d", 3, { replaces: "c" }),
        ],
      }),
      "test stack",
    );
    assert.equal(env.config.clusters[2].replaces, "c");
  });

  it("accepts a region and a role per cluster, and leaves both unset by default", () => {
    const env = parseEnvironment(
      "test",
      environmentFixture({
        clusters: clusters(
          clusterFixture("a", 0),
          clusterFixture("b", 1, { region: "eu-central-1" }),
          clusterFixture("c", 2, {
            region: "us-gov-west-1",
            roleArn: "arn:aws-us-gov:iam::210987654321:role/platform/active-active",
          }),
        ),
      }),
      "test stack",
    );
    assert.deepEqual(
      env.config.clusters.map((c) => [c.region, c.roleArn]),
      [
        [undefined, undefined],
        ["eu-central-1", undefined],
        ["us-gov-west-1", "arn:aws-us-gov:iam::210987654321:role/platform/active-active"],
      ],
    );
  });

  it("accepts a shared VPC only when chosen explicitly, without per-cluster CIDRs", () => {
    const env = parseEnvironment(
      "test",
      environmentFixture({
        clusters: ["a", "b"].map((name) => ({ name })),
        network: {
          mode: "shared-vpc",
          vpcId: "vpc-0abc",
          privateSubnetIds: ["subnet-01", "subnet-02"],
          publicSubnetIds: ["subnet-03", "subnet-04"],
        },
      }),
      "test stack",
    );
    assert.equal(env.config.network.mode, "shared-vpc");
  });

  // Each row changes one thing; the message must name the field (as written in the stack file)
  // and show the bad value.
  const invalid: { why: string; raw: Record<string, unknown>; field: string; shows: string }[] = [
    {
      why: "one cluster",
      raw: environmentFixture({ clusters: clusters(clusterFixture("a", 0)) }),
      field: "active-active:clusters:",
      shows: "at least 2",
    },
    {
      why: "fewer clusters than minClusters",
      raw: environmentFixture({
        minClusters: 4,
        clusters: ["a", "b", "c"].map((n, i) => clusterFixture(n, i)),
      }),
      field: "active-active:clusters:",
      shows: "minClusters is 4",
    },
    {
      why: "a cluster that replaces a cluster still listed",
      raw: environmentFixture({
        clusters: [
          clusterFixture("a", 0),
          clusterFixture("b", 1),
          clusterFixture("d", 3, { replaces: "a" }),
        ],
      }),
      field: "active-active:clusters[2].replaces",
      shows: '"a" is still listed in clusters; remove its entry',
    },
    {
      why: "a cluster that replaces itself",
      raw: environmentFixture({
        clusters: [
          clusterFixture("a", 0),
          clusterFixture("b", 1),
          clusterFixture("d", 3, { replaces: "d" }),
        ],
      }),
      field: "active-active:clusters[2].replaces",
      shows: "cannot replace itself",
    },
    {
      why: "two clusters replacing the same one",
      raw: environmentFixture({
        clusters: [
          clusterFixture("a", 0),
          clusterFixture("d", 3, { replaces: "c" }),
          clusterFixture("e", 4, { replaces: "c" }),
        ],
      }),
      field: "active-active:clusters[2].replaces",
      shows: 'clusters[1] already replaces "c"',
    },
    {
      why: "a ramp that does not increase",
      raw: environmentFixture({ rollout: { rampPercent: [50, 10, 100] } }),
      field: "active-active:rollout.rampPercent",
      shows: "ramp steps must increase, got [50, 10, 100]",
    },
    {
      why: "a ramp that does not end at 100",
      raw: environmentFixture({ rollout: { rampPercent: [10, 50] } }),
      field: "active-active:rollout.rampPercent",
      shows: "the last ramp step must be 100",
    },
    {
      why: "a ramp step above 100",
      raw: environmentFixture({ rollout: { rampPercent: [10, 150] } }),
      field: "active-active:rollout.rampPercent[1]",
      shows: "150 is above 100",
    },
    {
      why: "minClusters below 2",
      raw: environmentFixture({ minClusters: 1 }),
      field: "active-active:minClusters",
      shows: "1 is below 2",
    },
    {
      why: "duplicate cluster names",
      raw: environmentFixture({
        clusters: clusters(clusterFixture("a", 0), clusterFixture("a", 1), clusterFixture("c", 2)),
      }),
      field: "active-active:clusters[1].name",
      shows: '"a" is already the name of clusters[0]',
    },
    {
      why: "a name that is not DNS-safe",
      raw: environmentFixture({
        clusters: clusters(clusterFixture("a", 0), clusterFixture("Prod_B", 1)),
      }),
      field: "active-active:clusters[1].name",
      shows: '"Prod_B" is not a DNS-safe cluster name',
    },
    {
      why: "a weight above Route 53's 255",
      raw: environmentFixture({
        clusters: clusters(clusterFixture("a", 0, { weight: 256 }), clusterFixture("b", 1)),
      }),
      field: "active-active:clusters[0].weight",
      shows: "256 is above 255",
    },
    {
      why: "a negative weight",
      raw: environmentFixture({
        clusters: clusters(clusterFixture("a", 0, { weight: -1 }), clusterFixture("b", 1)),
      }),
      field: "active-active:clusters[0].weight",
      shows: "-1 is below 0",
    },
    {
      why: "every weight zero",
      raw: environmentFixture({
        clusters: clusters(
          clusterFixture("a", 0, { weight: 0 }),
          clusterFixture("b", 1, { weight: 0 }),
        ),
      }),
      field: "active-active:clusters:",
      shows: "every cluster has weight 0",
    },
    {
      why: "cluster versions two minors apart",
      raw: environmentFixture({
        clusters: clusters(
          clusterFixture("a", 0),
          clusterFixture("b", 1, { kubernetesVersion: "1.31" }),
        ),
      }),
      field: "active-active:clusters[1].kubernetesVersion",
      shows: '"1.31" is more than one minor version from cluster "a" at "1.33"',
    },
    {
      why: "an unquoted version read as a number",
      raw: environmentFixture({ kubernetesVersion: 1.3 }),
      field: "active-active:kubernetesVersion",
      shows: "got the number 1.3",
    },
    {
      why: "overlapping CIDRs",
      raw: environmentFixture({
        clusters: clusters(
          clusterFixture("a", 0, { cidr: "10.1.0.0/16" }),
          clusterFixture("b", 1, { cidr: "10.1.128.0/17" }),
        ),
      }),
      field: "active-active:clusters[1].cidr",
      shows: '"10.1.128.0/17" overlaps clusters[0].cidr "10.1.0.0/16"',
    },
    {
      why: "a CIDR with host bits set",
      raw: environmentFixture({
        clusters: clusters(clusterFixture("a", 0, { cidr: "10.1.0.5/16" }), clusterFixture("b", 1)),
      }),
      field: "active-active:clusters[0].cidr",
      shows: 'did you mean "10.1.0.0/16"',
    },
    {
      why: "a missing CIDR with a VPC per cluster",
      raw: environmentFixture({
        clusters: clusters({ name: "a" }, clusterFixture("b", 1)),
      }),
      field: "active-active:clusters[0].cidr",
      shows: "give it a CIDR",
    },
    {
      why: "a region that is not an AWS region name",
      raw: environmentFixture({
        clusters: clusters(clusterFixture("a", 0), clusterFixture("b", 1, { region: "US-West-2" })),
      }),
      field: "active-active:clusters[1].region",
      shows:
        '"US-West-2" is not an AWS region name; write it as AWS lists it, in lowercase, e.g. "us-west-2"',
    },
    {
      why: "an availability zone given as a region",
      raw: environmentFixture({
        clusters: clusters(
          clusterFixture("a", 0),
          clusterFixture("b", 1, { region: "us-west-2a" }),
        ),
      }),
      field: "active-active:clusters[1].region",
      shows: '"us-west-2a" is not an AWS region name',
    },
    {
      why: "a roleArn that is not an IAM role ARN",
      raw: environmentFixture({
        clusters: clusters(
          clusterFixture("a", 0, { roleArn: "arn:aws:iam::123456789012:user/deployer" }),
          clusterFixture("b", 1),
        ),
      }),
      field: "active-active:clusters[0].roleArn",
      shows:
        '"arn:aws:iam::123456789012:user/deployer" is not an IAM role ARN; give the role to assume in the cluster\'s account',
    },
    {
      why: "a role in another partition than the cluster's region",
      raw: environmentFixture({
        clusters: clusters(
          clusterFixture("a", 0),
          clusterFixture("b", 1, {
            region: "us-gov-west-1",
            roleArn: "arn:aws:iam::123456789012:role/deployer",
          }),
        ),
      }),
      field: "active-active:clusters[1].roleArn",
      shows: 'is in partition "aws", but region "us-gov-west-1" is in "aws-us-gov"',
    },
    {
      why: "duplicate service names",
      raw: environmentFixture({
        services: [serviceFixture(), serviceFixture({ port: 9090 })],
      }),
      field: "active-active:services[1].name",
      shows: '"api" is already the name of services[0]',
    },
    {
      why: "a misspelt top-level key",
      raw: { ...environmentFixture(), kubernetesVersoin: "1.33" },
      field: "active-active:kubernetesVersoin",
      shows: 'did you mean "kubernetesVersion"',
    },
    {
      why: "a misspelt nested key",
      raw: environmentFixture({
        clusters: clusters(clusterFixture("a", 0, { wieght: 2 }), clusterFixture("b", 1)),
      }),
      field: "active-active:clusters[0].wieght",
      shows: 'did you mean "weight"',
    },
    {
      why: "a hostname outside the hosted zone",
      raw: environmentFixture({
        dns: {
          hostedZoneId: "Z0TEST0000EXAMPLE",
          zoneName: "test.example.com",
          hostnames: [{ hostname: "api.other.com", service: "api" }],
        },
      }),
      field: "active-active:dns.hostnames[0].hostname",
      shows: '"api.other.com" is not below the hosted zone',
    },
    {
      why: "a hostname for an unknown service",
      raw: environmentFixture({
        dns: {
          hostedZoneId: "Z0TEST0000EXAMPLE",
          zoneName: "test.example.com",
          hostnames: [{ hostname: "web.test.example.com", service: "web" }],
        },
      }),
      field: "active-active:dns.hostnames[0].service",
      shows: '"web" is not a declared service',
    },
    {
      why: "node group sizes out of order",
      raw: environmentFixture({
        nodeGroup: { instanceTypes: ["m6i.large"], minSize: 3, desiredSize: 2, maxSize: 4 },
      }),
      field: "active-active:nodeGroup.desiredSize",
      shows: "3 <= 2 <= 4",
    },
    {
      why: "an unknown network mode",
      raw: environmentFixture({ network: { mode: "vpc-per-az" } }),
      field: "active-active:network",
      shows: '"vpc-per-az" is not known',
    },
    {
      why: "a missing required section",
      raw: (() => {
        const raw = environmentFixture();
        delete raw.addons;
        return raw;
      })(),
      field: "active-active:addons",
      shows: "missing",
    },
  ];

  for (const row of invalid) {
    it(`rejects ${row.why}, naming the field and the value`, () => {
      const message = rejection(row.raw);
      assert.ok(message.includes(row.field), `field ${row.field} not in:\n${message}`);
      assert.ok(message.includes(row.shows), `"${row.shows}" not in:\n${message}`);
    });
  }

  it("rejects an environment name that cannot prefix resource names", () => {
    const message = rejection(environmentFixture(), "Prod Env");
    assert.match(message, /stack name: "Prod Env" is not a usable environment name/);
  });

  it("lists every problem at once, one per line", () => {
    const message = rejection(
      environmentFixture({
        clusters: clusters(
          clusterFixture("a", 0, { weight: 300 }),
          clusterFixture("b", 1, { weight: 300 }),
        ),
      }),
    );
    assert.match(message, /clusters\[0\]\.weight/);
    assert.match(message, /clusters\[1\]\.weight/);
    assert.equal(message.split("\n").length, 3);
  });
});

describe("field checks before cross-field rules", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    [
      "a version with a v",
      { kubernetesVersion: "v1.33" },
      /kubernetesVersion: "v1\.33" is not a Kubernetes minor version/,
    ],
    [
      "a patch version",
      { kubernetesVersion: "1.33.1" },
      /kubernetesVersion: "1\.33\.1" is not a Kubernetes minor version/,
    ],
    [
      "a major 2",
      { kubernetesVersion: "2.0" },
      /kubernetesVersion: "2\.0" is not a Kubernetes minor version/,
    ],
    [
      "a cluster's own malformed version",
      {
        clusters: clusters(
          clusterFixture("a", 0, { kubernetesVersion: "1.x" }),
          clusterFixture("b", 1),
        ),
      },
      /clusters\[0\]\.kubernetesVersion: "1\.x" is not a Kubernetes minor version/,
    ],
    [
      "an address out of range",
      {
        clusters: clusters(
          clusterFixture("a", 0, { cidr: "999.10.0.0/16" }),
          clusterFixture("b", 1),
        ),
      },
      /clusters\[0\]\.cidr: "999\.10\.0\.0\/16" is not a valid IPv4 CIDR block/,
    ],
    [
      "an IPv6 block",
      { clusters: clusters(clusterFixture("a", 0, { cidr: "fd00::/48" }), clusterFixture("b", 1)) },
      /clusters\[0\]\.cidr: "fd00::\/48" is not an IPv4 CIDR block/,
    ],
  ];
  for (const [what, overrides, message] of cases) {
    it(`reports ${what} at its field, once, and the rules that read it do not run on it`, () => {
      const text = rejection(environmentFixture(overrides));
      assert.match(text, message);
      assert.equal(text.split("\n").filter((l) => l.startsWith("  - ")).length, 1, text);
    });
  }

  it("still runs the rules on the keys that passed", () => {
    const text = rejection(
      environmentFixture({
        kubernetesVersion: "v1.33",
        nodeGroup: { instanceTypes: ["m6i.large"], minSize: 3, desiredSize: 2, maxSize: 6 },
      }),
    );
    assert.match(text, /kubernetesVersion: "v1\.33"/);
    assert.match(
      text,
      /nodeGroup\.desiredSize: sizes must satisfy minSize <= desiredSize <= maxSize/,
    );
  });
});

describe("keys and URLs that are not data", () => {
  it("refuses __proto__, constructor and prototype keys in the config the engine passes", () => {
    const text = rejection(
      environmentFixture({
        services: [serviceFixture({ env: JSON.parse('{"__proto__": "x"}') as object })],
        kyverno: JSON.parse(
          '{"repository": "https://kyverno.github.io/kyverno/", "version": "3.3.4", "values": {"a": {"constructor": 1}}}',
        ) as object,
      }),
    );
    assert.match(text, /services\[0\]\.env\.__proto__: "__proto__" cannot be a key/);
    assert.match(text, /kyverno\.values\.a\.constructor: "constructor" cannot be a key/);
  });

  it("takes Helm repositories over https:// and oci:// only", () => {
    for (const repository of [
      "javascript:alert(1)",
      "file:///etc/passwd",
      "http://charts.example.com",
    ]) {
      assert.match(
        rejection(environmentFixture({ kyverno: { repository, version: "3.3.4" } })),
        /kyverno\.repository: ".*" is not an https:\/\/ or oci:\/\/ URL/,
      );
    }
    assert.doesNotThrow(() =>
      parseEnvironment(
        "test",
        environmentFixture({
          kyverno: { repository: "oci://ghcr.io/kyverno/charts", version: "3.3.4" },
        }),
        "t",
      ),
    );
  });
});

describe("values as error messages show them", () => {
  it("shows .inf and .nan as they are, a long value cut with its length, a secret not at all", () => {
    const text = rejection(
      environmentFixture({
        clusters: clusters(
          clusterFixture("a", 0, { weight: Infinity }),
          clusterFixture("b".repeat(100_000), 1),
          clusterFixture("c", 2, { weight: NaN }),
        ),
        kubernetesVersion: { secure: "v1:c2VjcmV0IGNpcGhlcnRleHQ=" },
      }),
    );
    assert.match(text, /clusters\[0\]\.weight: expected a whole number, got Infinity/);
    assert.match(text, /clusters\[2\]\.weight: expected a whole number, got NaN/);
    assert.match(text, /clusters\[1\]\.name: "b{79}\.\.\. \(100002 characters\) is longer than 24/);
    assert.match(text, /kubernetesVersion: expected string, got a secret value/);
    assert.ok(!text.includes("c2VjcmV0"), "the ciphertext is not repeated");
    assert.ok(text.length < 2000, "no value is echoed whole");
  });

  it("says the allowed health check intervals", () => {
    assert.match(
      rejection(
        environmentFixture({
          dns: {
            hostedZoneId: "Z0123456789AB",
            zoneName: "dev.example.com",
            healthCheckIntervalSeconds: 15,
          },
        }),
      ),
      /dns\.healthCheckIntervalSeconds: 15 is not a Route 53 health check interval; use 10 or 30/,
    );
  });
});
