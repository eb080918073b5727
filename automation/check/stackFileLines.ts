import YAML, { isMap, isScalar, isSeq, LineCounter, type Node as YamlNode } from "yaml";

/** Where things are declared in a stack config file (1-based line numbers). */
export interface StackFileLines {
  /** The line of `active-active:<key>`. */
  key(key: string): number | undefined;
  /** The line of the cluster entry with this name in `active-active:clusters`. */
  cluster(name: string): number | undefined;
  /** The line of the service entry with this name in `active-active:services`. */
  service(name: string): number | undefined;
  /** The line of the hostname entry in `active-active:dns.hostnames`. */
  hostname(hostname: string): number | undefined;
}

/** Finds declarations in a stack file's text. Pure; a file that does not parse finds nothing. */
export function stackFileLines(text: string): StackFileLines {
  const counter = new LineCounter();
  let config: YamlNode | undefined;
  try {
    const doc = YAML.parseDocument(text, { lineCounter: counter });
    const c = doc.get("config", true);
    config = isMap(c) ? c : undefined;
  } catch {
    config = undefined;
  }
  const line = (node: YamlNode | null | undefined) =>
    node?.range ? counter.linePos(node.range[0]).line : undefined;
  const entry = (key: string): YamlNode | undefined => {
    if (!isMap(config)) return undefined;
    const v = config.get(`active-active:${key}`, true);
    return v;
  };
  const keyLine = (key: string) => {
    if (!isMap(config)) return undefined;
    const pair = config.items.find(
      (p) => isScalar(p.key) && p.key.value === `active-active:${key}`,
    );
    return pair ? line(pair.key as YamlNode) : undefined;
  };
  const itemNamed = (seq: YamlNode | undefined, field: string, value: string) => {
    if (!isSeq(seq)) return undefined;
    const item = seq.items.find((i) => isMap(i) && i.get(field) === value);
    return line(item as YamlNode | undefined);
  };
  return {
    key: keyLine,
    cluster: (name) => itemNamed(entry("clusters"), "name", name),
    service: (name) => itemNamed(entry("services"), "name", name),
    hostname: (hostname) => {
      const dns = entry("dns");
      return isMap(dns) ? itemNamed(dns.get("hostnames", true), "hostname", hostname) : undefined;
    },
  };
}
