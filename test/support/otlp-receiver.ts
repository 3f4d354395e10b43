/**
 * A small OTLP/HTTP trace receiver for tests: listens on 127.0.0.1 (free port), accepts the
 * JSON encoding of ExportTraceServiceRequest at POST /v1/traces and keeps the spans, flattened
 * with their resource's attributes. Only the fields the tests read are typed.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

interface JsonKeyValue {
  key: string;
  value: { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number };
}

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string | number;
  endTimeUnixNano: string | number;
  attributes?: JsonKeyValue[];
  status?: { code?: number; message?: string };
}

interface JsonExportRequest {
  resourceSpans?: { resource?: { attributes?: JsonKeyValue[] }; scopeSpans?: { spans?: JsonSpan[] }[] }[];
}

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP's numbering: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number | boolean>;
  /** OTLP's numbering: 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
  resource: Record<string, string | number | boolean>;
}

export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  /** Requests that were not a JSON trace export (content type, path or body); a test expects none. */
  readonly refused: string[] = [];
  /** Requests received, answered or not. */
  requests = 0;
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  /** `hang`: read each request and never answer it (a collector that is stuck). */
  static async start(options: { hang?: boolean } = {}): Promise<OtlpReceiver> {
    const server = createServer();
    const receiver = new OtlpReceiver(server);
    server.on("request", (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        receiver.requests++;
        if (options.hang === true) return;
        const ok = receiver.#accept(req.method ?? "", req.url ?? "", req.headers["content-type"] ?? "", Buffer.concat(chunks));
        res.writeHead(ok ? 200 : 400, { "content-type": "application/json" }).end("{}");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return receiver;
  }

  /** The base URL to give as an OTLP endpoint (`/v1/traces` is appended by the server). */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #accept(method: string, url: string, contentType: string, body: Buffer): boolean {
    if (method !== "POST" || url !== "/v1/traces" || !contentType.startsWith("application/json")) {
      this.refused.push(`${method} ${url} ${contentType}`);
      return false;
    }
    const request = JSON.parse(body.toString("utf8")) as JsonExportRequest;
    for (const resourceSpans of request.resourceSpans ?? []) {
      const resource = attributesOf(resourceSpans.resource?.attributes);
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) this.spans.push(flatten(span, resource));
      }
    }
    return true;
  }
}

function flatten(span: JsonSpan, resource: ReceivedSpan["resource"]): ReceivedSpan {
  return {
    traceId: span.traceId,
    spanId: span.spanId,
    parentSpanId: span.parentSpanId ?? "",
    name: span.name,
    kind: span.kind,
    startMs: Number(BigInt(span.startTimeUnixNano) / 1_000_000n),
    endMs: Number(BigInt(span.endTimeUnixNano) / 1_000_000n),
    attributes: attributesOf(span.attributes),
    statusCode: span.status?.code ?? 0,
    statusMessage: span.status?.message ?? "",
    resource,
  };
}

function attributesOf(list: JsonKeyValue[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) {
    const v = value.stringValue ?? value.boolValue ?? value.doubleValue ?? (value.intValue === undefined ? undefined : Number(value.intValue));
    if (v !== undefined) out[key] = v;
  }
  return out;
}
