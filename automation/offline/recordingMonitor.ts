import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { CallResponse } from "@pulumi/pulumi/proto/provider_pb";
import {
  RegisterResourceResponse,
  type ReadResourceRequest,
  type ReadResourceResponse,
  type RegisterResourceOutputsRequest,
  type RegisterResourceRequest,
  type ResourceCallRequest,
} from "@pulumi/pulumi/proto/resource_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { providerUrn, type ResourceNode } from "../../graph/resourceGraph";
import { SECRET_MARKER } from "../redact/marker";
import type { CloudMocks } from "./cloudMocks";
import { PlainStruct } from "./_plainStruct";
import { OUTPUT_SIG, referencedUrn, RESOURCE_SIG, SECRET_SIG, SIG, UNKNOWN } from "./_wire";

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/**
 * Pulumi's mock monitor, answering with {@link CloudMocks} and recording every registration as
 * the engine would see it: type, name, URN, parent, provider, dependencies (also per property),
 * inputs and outputs. URNs are built the way the engine builds them (the root stack's type is not
 * part of its children's URNs). A remote component's answer may come with the children it would
 * create (its security groups, roles, Kubernetes provider): they are not recorded, but a reference
 * to one resolves, as the engine's `getResource` would resolve it. Instances hold their own
 * records; nothing is shared between runs.
 */
export class RecordingMonitor extends MockMonitor {
  readonly nodes: ResourceNode[] = [];
  /**
   * What failed in aa's own answers or recording, in order: a bug in aa, never the program's
   * fault, although the program sees it as a failed registration or call.
   */
  readonly internalFailures: unknown[];
  private readonly byUrn = new Map<string, ResourceNode>();

  constructor(private readonly cloud: CloudMocks) {
    const failures: unknown[] = [];
    // MockMonitor answers reads and invokes with these; a failure of theirs is aa's.
    super({
      call: (args) => ours(failures, () => cloud.call(args)),
      newResource: (args) =>
        ours(failures, () => cloud.newResource({ ...args, urn: "", wire: {} })),
    });
    this.internalFailures = failures;
    // MockMonitor keeps only the parent's last type in a child's URN; the engine keeps the whole
    // chain. The method is private in the typings, so it is replaced on the instance.
    (this as unknown as { newUrn: typeof engineUrn }).newUrn = engineUrn;
  }

  // MockMonitor types its requests `any`; they are the engine's protobuf messages. A registration
  // is answered here rather than by MockMonitor: the answer needs the URN and the wire inputs,
  // and may come with children (MockMonitor's registerResource is this, without those).
  override async registerResource(
    req: RegisterResourceRequest,
    callback: (err: unknown, resp?: RegisterResourceResponse) => void,
  ) {
    const propertyDependencies: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((deps, key) => {
      const urns: string[] = deps.getUrnsList();
      if (urns.length > 0) propertyDependencies[key] = urns;
    });
    // The inputs as they came over the wire, read out of their protobuf form once: recorded,
    // searched for references and handed to the mocks from this one copy (none of them changes it).
    const wire = (req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
    if (req.getRemote()) addReferences(propertyDependencies, wire);
    const node = this.record(req, {
      custom: req.getCustom(),
      remote: req.getRemote() || undefined,
      propertyDependencies,
      inputs: plainValue(wire) as Record<string, unknown>,
    });
    // A remote component (`eks:index:Cluster`) gets the AWS provider its children are created
    // with in its `providers` map, not as its own provider (which the engine records as none, and
    // so does this record). The mocks answer for the component and its children at once, so they
    // are told which AWS provider that is: its region is the cluster's.
    const aws = req.getRemote() && !req.getProvider() && req.getProvidersMap().get("aws");
    let response: RegisterResourceResponse;
    try {
      const answer = this.cloud.newResource({
        type: req.getType(),
        name: req.getName(),
        inputs: deserialized(wire),
        provider: aws || req.getProvider() || undefined,
        custom: req.getCustom(),
        id: req.getImportid() || undefined,
        urn: node.urn,
        wire,
      });
      const state = await pulumi.runtime.serializeProperties("", answer.state);
      this.resources.set(node.urn, { urn: node.urn, id: answer.id ?? null, state });
      for (const child of answer.companions ?? []) {
        this.resources.set(child.urn, {
          urn: child.urn,
          id: child.id,
          state: await pulumi.runtime.serializeProperties("", child.state),
        });
      }
      // The answer stays plain data (the SDK reads it in this process), recorded as the engine
      // would send it back: as it reads after a round trip through its protobuf form.
      const object = new PlainStruct(state);
      node.id = answer.id || undefined;
      node.outputs = plainValue(object.toJavaScript()) as Record<string, unknown>;
      response = new RegisterResourceResponse();
      response.setUrn(node.urn);
      response.setId(answer.id || "");
      response.setObject(object);
    } catch (err) {
      this.internalFailures.push(err);
      return callback(err);
    }
    callback(null, response);
  }

  /**
   * A method call on a component (`cluster.getKubeconfig()`), answered by the mocks with the
   * component it is called on. (MockMonitor has none: the SDK would fail on `monitor.call`.)
   */
  call(req: ResourceCallRequest, callback: (err: unknown, resp?: CallResponse) => void): void {
    const args = (req.getArgs()?.toJavaScript() ?? {}) as Record<string, unknown>;
    const { __self__: self, ...inputs } = args;
    let response: CallResponse;
    try {
      const result = this.cloud.call({
        token: req.getTok(),
        inputs,
        provider: req.getProvider() || undefined,
        self: referencedUrn(self),
      });
      response = new CallResponse();
      response.setReturn(Struct.fromJavaScript(result as Record<string, never>));
    } catch (err) {
      this.internalFailures.push(err);
      return callback(err);
    }
    callback(null, response);
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

/** Runs one of aa's own answers; if it throws, that is kept as an internal failure, then rethrown. */
function ours<T>(failures: unknown[], answer: () => T): T {
  try {
    return answer();
  } catch (err) {
    failures.push(err);
    throw err;
  }
}

/**
 * A remote component's arguments that are resources (`new eks.NodeGroupV2(name, {cluster})`),
 * added to its property dependencies. The SDK leaves resource references out of a remote
 * component's dependencies (`excludeResourceReferencesFromDependencies`): under a real engine the
 * children the component's provider creates depend on them and place it in the graph, but the
 * mock runtime creates no children, and without this a node group given only its cluster would
 * belong to no cluster.
 */
function addReferences(byProperty: Record<string, string[]>, wire: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(wire)) {
    const urns = new Set(byProperty[key]);
    collectReferences(value, urns);
    if (urns.size > 0) byProperty[key] = [...urns];
  }
}

function collectReferences(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) value.forEach((v) => collectReferences(v, into));
  else if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[SIG] === RESOURCE_SIG && typeof obj.urn === "string") into.add(obj.urn);
    else if (obj[SIG] === undefined || obj[SIG] === OUTPUT_SIG) {
      Object.values(obj).forEach((v) => collectReferences(v, into));
    }
  }
}

/**
 * Wire inputs as the SDK's own `deserializeProperties` gives them from their protobuf form
 * (properties whose value is undefined left out).
 */
function deserialized(wire: Record<string, unknown>): Record<string, unknown> {
  const props: Record<string, unknown> = {};
  for (const key of Object.keys(wire)) {
    if (wire[key] !== undefined) props[key] = pulumi.runtime.deserializeProperty(wire[key]);
  }
  return props;
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
