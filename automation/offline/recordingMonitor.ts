import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import type {
  ReadResourceRequest,
  ReadResourceResponse,
  RegisterResourceOutputsRequest,
  RegisterResourceRequest,
  RegisterResourceResponse,
} from "@pulumi/pulumi/proto/resource_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { providerUrn, type ResourceNode } from "../../graph/resourceGraph";
import { SECRET_MARKER } from "../redact/marker";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Pulumi's mock monitor, recording every registration as the engine would see it: type, name,
 * URN, parent, provider, dependencies (also per property), inputs and outputs. URNs are built the
 * way the engine builds them (the root stack's type is not part of its children's URNs).
 * Instances hold their own records; nothing is shared between runs.
 */
export class RecordingMonitor extends MockMonitor {
  readonly nodes: ResourceNode[] = [];
  private readonly byUrn = new Map<string, ResourceNode>();

  constructor(mocks: pulumi.runtime.Mocks) {
    super(mocks);
    // MockMonitor keeps only the parent's last type in a child's URN; the engine keeps the whole
    // chain. The method is private in the typings, so it is replaced on the instance.
    (this as unknown as { newUrn: typeof engineUrn }).newUrn = engineUrn;
  }

  // MockMonitor types its requests `any`; they are the engine's protobuf messages (types only:
  // nothing of the generated code is loaded here).
  override async registerResource(
    req: RegisterResourceRequest,
    callback: (err: unknown, resp?: RegisterResourceResponse) => void,
  ) {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => {
      const urns: string[] = deps.getUrnsList();
      if (urns.length > 0) propertyDependencies[key] = urns;
    });
    const node = this.record(req, {
      custom: req.getCustom(),
      remote: req.getRemote() || undefined,
      propertyDependencies,
      inputs: plain(req.getObject()),
    });
    // A remote component (`eks:index:Cluster`) gets the AWS provider its children are created
    // with in its `providers` map, not as its own provider (which the engine records as none, and
    // so does this record). The mocks answer for the component and its children at once, so they
    // are told which AWS provider that is: its region is the cluster's.
    const aws = req.getRemote() && !req.getProvider() && req.getProvidersMap().get("aws");
    if (aws) req.setProvider(aws);
    return super.registerResource(req, (err: unknown, resp?: RegisterResourceResponse) => {
      if (!err && resp) {
        node.id = resp.getId() || undefined;
        node.outputs = plain(resp.getObject());
      }
      callback(err, resp);
    });
  }

  /** Reads (`get` functions, StackReferences) are resources in the graph too. */
  override async readResource(
    req: ReadResourceRequest,
    callback: (err: unknown, resp?: ReadResourceResponse) => void,
  ) {
    const node = this.record(req, {
      id: req.getId() || undefined,
      custom: true,
      propertyDependencies: {},
      inputs: plain(req.getProperties()),
    });
    return super.readResource(req, (err: unknown, resp?: ReadResourceResponse) => {
      if (!err && resp) node.outputs = plain(resp.getProperties());
      callback(err, resp);
    });
  }

  override registerResourceOutputs(
    req: RegisterResourceOutputsRequest,
    callback: (err: unknown, resp?: unknown) => void,
  ) {
    const node = this.byUrn.get(req.getUrn());
    if (node) node.outputs = plain(req.getOutputs());
    return super.registerResourceOutputs(req, callback);
  }

  /** Records a registration or read (the first one of a URN) and returns its node. */
  private record(
    req: RegisterResourceRequest | ReadResourceRequest,
    own: Pick<ResourceNode, "custom" | "propertyDependencies" | "inputs"> &
      Partial<Pick<ResourceNode, "id" | "remote">>,
  ): ResourceNode {
    const urn = engineUrn(req.getParent(), req.getType(), req.getName());
    const node: ResourceNode = {
      urn,
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent() || undefined,
      provider: providerUrn(req.getProvider()),
      dependencies: req.getDependenciesList(),
      ...own,
    };
    if (!this.byUrn.has(urn)) {
      this.nodes.push(node);
      this.byUrn.set(urn, node);
    }
    return node;
  }
}

/** A protobuf Struct as plain data, secrets hidden. */
function plain(struct: Struct | undefined): Record<string, unknown> {
  return plainValue(struct?.toJavaScript() ?? {}) as Record<string, unknown>;
}

/**
 * A URN as the engine builds it: the parent's qualified type, "$", this type; the root stack's
 * type is left out of its children's URNs.
 */
export function engineUrn(parent: string, type: string, name: string): string {
  const parentType = parent ? parent.split("::")[2] : "";
  const qualified = parentType && parentType !== ROOT_STACK_TYPE ? `${parentType}$${type}` : type;
  return `urn:pulumi:${pulumi.getStack()}::${pulumi.getProject()}::${qualified}::${name}`;
}

/**
 * Turns Pulumi's wire format into plain data: secrets become {@link SECRET_MARKER} (they are never
 * recorded), resource references become their URN, output values their value, unknowns
 * "[unknown]". A value the engine marks secret is hidden whole by its type; free text is the
 * redactor's job (automation/redact/redactor.ts).
 */
function plainValue(value: unknown): unknown {
  if (value === UNKNOWN) return "[unknown]";
  if (Array.isArray(value)) return value.map(plainValue);
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    switch (obj[SIG]) {
      case SECRET_SIG:
        return SECRET_MARKER;
      case RESOURCE_SIG:
        return obj.urn;
      case OUTPUT_SIG:
        if (obj.secret) return SECRET_MARKER;
        return "value" in obj ? plainValue(obj.value) : "[unknown]";
      case undefined:
        return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, plainValue(v)]));
      default:
        return `[${String(obj[SIG])}]`;
    }
  }
  return value;
}
