import * as fs from "node:fs";
import * as path from "node:path";
import YAML from "yaml";

/**
 * Writes a stack config of `clusters` clusters and `services` services, derived from the dev
 * example (`stacks/Pulumi.dev.yaml`): its settings, with clusters `c0`, `c1`, ... on distinct
 * /16s (10.0.0.0/16, 10.1.0.0/16, ...) and services `s0`, `s1`, ... shaped like dev's `web`
 * (every one on port 8080, as most are: each has its own load balancer), each with a hostname.
 * Returns the stack name (the file is `Pulumi.<stack>.yaml` in `dir`).
 */
export function writeSyntheticStack(
  root: string,
  dir: string,
  clusters: number,
  services: number,
): string {
  if (clusters < 1 || clusters > 256) throw new Error(`clusters: 1 to 256, got ${clusters}`);
  if (services < 1) throw new Error(`services: at least 1, got ${services}`);
  const dev = YAML.parse(fs.readFileSync(path.join(root, "stacks", "Pulumi.dev.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  const config = { ...dev.config };
  const zone = (config["active-active:dns"] as { zoneName: string }).zoneName;
  const [web] = config["active-active:services"] as Record<string, unknown>[];
  config["active-active:clusters"] = Array.from({ length: clusters }, (_, i) => ({
    name: `c${i}`,
    weight: 1,
    cidr: `10.${i}.0.0/16`,
  }));
  config["active-active:services"] = Array.from({ length: services }, (_, i) => ({
    ...web,
    name: `s${i}`,
    port: 8080,
    containerPort: 8080,
  }));
  config["active-active:dns"] = {
    ...(config["active-active:dns"] as object),
    hostnames: Array.from({ length: services }, (_, i) => ({
      hostname: `s${i}.${zone}`,
      service: `s${i}`,
    })),
  };
  const stack = `bench-${clusters}x${services}`;
  fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), YAML.stringify({ config }));
  return stack;
}
