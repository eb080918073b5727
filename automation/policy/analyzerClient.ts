import * as grpc from "@grpc/grpc-js";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { AnalyzerClient as GrpcAnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import {
  LEVELS,
  type JsonSchema,
  type Level,
  type PolicyConfig,
  type PolicyInfo,
} from "./policyConfig";

/** The engine's limit on analyzer messages (rpcutil.GrpcChannelOptions): 400 MiB each way. */
const MAX_MESSAGE = 400 * 1024 * 1024;

/** One diagnostic of Analyze or AnalyzeStack. */
export interface Diagnostic {
  policyName: string;
  policyPackName: string;
  policyPackVersion: string;
  description: string;
  message: string;
  level: Level;
  urn: string;
}

/** What GetAnalyzerInfo says about the pack. */
export interface AnalyzerInfo {
  name: string;
  version: string;
  supportsConfig: boolean;
  policies: PolicyInfo[];
}

/** The Analyzer gRPC service of a policy pack, with promises instead of callbacks. */
export class AnalyzerClient {
  private readonly client: GrpcAnalyzerClient;

  constructor(port: number) {
    this.client = new GrpcAnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_send_message_length": MAX_MESSAGE,
      "grpc.max_receive_message_length": MAX_MESSAGE,
    });
  }

  /** Handshake; packs built with @pulumi/policy do not implement it, which is fine. */
  async handshake(directory: string): Promise<void> {
    const req = new analyzer.AnalyzerHandshakeRequest();
    req.setEngineAddress("");
    req.setRootDirectory(directory);
    req.setProgramDirectory(directory);
    try {
      await this.call((cb) => this.client.handshake(req, cb));
    } catch (err) {
      if ((err as grpc.ServiceError).code !== grpc.status.UNIMPLEMENTED) throw err;
    }
  }

  async configureStack(context: {
    stack: string;
    project: string;
    organization?: string;
    dryRun: boolean;
    config?: Record<string, string>;
  }): Promise<void> {
    const req = new analyzer.AnalyzerStackConfigureRequest();
    req.setStack(context.stack);
    req.setProject(context.project);
    req.setOrganization(context.organization ?? "");
    req.setDryRun(context.dryRun);
    const config = req.getConfigMap();
    for (const [k, v] of Object.entries(context.config ?? {})) config.set(k, v);
    try {
      await this.call((cb) => this.client.configureStack(req, cb));
    } catch (err) {
      if ((err as grpc.ServiceError).code !== grpc.status.UNIMPLEMENTED) throw err;
    }
  }

  async getAnalyzerInfo(): Promise<AnalyzerInfo> {
    const info = await this.call<analyzer.AnalyzerInfo>((cb) =>
      this.client.getAnalyzerInfo(new Empty(), cb),
    );
    return {
      name: info.getName(),
      version: info.getVersion(),
      supportsConfig: info.getSupportsconfig(),
      policies: info.getPoliciesList().map((p) => {
        const schema = p.getConfigschema();
        return {
          name: p.getName(),
          description: p.getDescription(),
          level: levelOf(p.getEnforcementlevel()),
          type:
            p.getPolicyType() === analyzer.PolicyType.POLICY_TYPE_RESOURCE
              ? "resource"
              : p.getPolicyType() === analyzer.PolicyType.POLICY_TYPE_STACK
                ? "stack"
                : "unknown",
          schema: (schema?.getProperties()?.toJavaScript() ?? {}) as Record<string, JsonSchema>,
          required: schema?.getRequiredList() ?? [],
        };
      }),
    };
  }

  async configure(config: ReadonlyMap<string, PolicyConfig>): Promise<void> {
    const req = new analyzer.ConfigureAnalyzerRequest();
    const map = req.getPolicyconfigMap();
    for (const [name, c] of config) {
      const pc = new analyzer.PolicyConfig();
      pc.setEnforcementlevel(levelToProto(c.level));
      pc.setProperties(Struct.fromJavaScript(c.properties as Record<string, never>));
      map.set(name, pc);
    }
    await this.call((cb) => this.client.configure(req, cb));
  }

  /** `Analyze` with an encoded AnalyzeRequest. */
  analyze(request: Uint8Array): Promise<Diagnostic[]> {
    return this.encoded("/pulumirpc.Analyzer/Analyze", request);
  }

  /** `AnalyzeStack` with an encoded AnalyzeStackRequest. */
  analyzeStack(request: Uint8Array): Promise<Diagnostic[]> {
    return this.encoded("/pulumirpc.Analyzer/AnalyzeStack", request);
  }

  /** A unary call whose request is already encoded (the bulk requests are built without jspb). */
  private async encoded(method: string, request: Uint8Array): Promise<Diagnostic[]> {
    const resp = await this.call<analyzer.AnalyzeResponse>((cb) =>
      this.client.makeUnaryRequest(
        method,
        (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
        (bytes: Buffer) => analyzer.AnalyzeResponse.deserializeBinary(new Uint8Array(bytes)),
        request,
        cb,
      ),
    );
    return diagnostics(resp);
  }

  close(): void {
    this.client.close();
  }

  private call<T>(
    start: (cb: (err: grpc.ServiceError | null, resp?: T) => void) => unknown,
  ): Promise<T> {
    return new Promise((resolve, reject) =>
      start((err, resp) => (err ? reject(err) : resolve(resp as T))),
    );
  }
}

function diagnostics(resp: analyzer.AnalyzeResponse): Diagnostic[] {
  return resp.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    policyPackName: d.getPolicypackname(),
    policyPackVersion: d.getPolicypackversion(),
    description: d.getDescription(),
    message: d.getMessage(),
    level: levelOf(d.getEnforcementlevel()),
    urn: d.getUrn(),
  }));
}

const PROTO_LEVELS: Record<Level, analyzer.EnforcementLevel> = {
  advisory: analyzer.EnforcementLevel.ADVISORY,
  mandatory: analyzer.EnforcementLevel.MANDATORY,
  remediate: analyzer.EnforcementLevel.REMEDIATE,
  disabled: analyzer.EnforcementLevel.DISABLED,
};

function levelToProto(level: Level): analyzer.EnforcementLevel {
  return PROTO_LEVELS[level];
}

function levelOf(level: analyzer.EnforcementLevel): Level {
  return LEVELS.find((l) => PROTO_LEVELS[l] === level) ?? "advisory";
}
