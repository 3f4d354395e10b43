/**
 * Just enough protobuf and gRPC message framing for the W4 driver (w4-driver.ts): varint,
 * length-delimited and skipped fields, the few messages the driver sends, built from byte parts
 * prepared once, a work-item decoder that walks only what the driver answers with, and gRPC's
 * 5-byte message prefix (also used by T0's bare HTTP/2 client). It must stay small and bench-only:
 * the server itself uses grpc-js and the generated google-protobuf classes (src/protocol/proto/load.ts).
 *
 * Field numbers are those of the upstream orchestrator_service.proto (as in the generated stubs
 * of @microsoft/durabletask-js); proto-wire.test.ts checks them against those stubs.
 */

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/** google.protobuf.StringValue */
const STRING_VALUE = { value: 1 } as const;
const WORK_ITEM = { orchestratorRequest: 1, activityRequest: 2, completionToken: 10 } as const;
const ORCHESTRATOR_REQUEST = { instanceId: 1, newEvents: 4 } as const;
const HISTORY_EVENT = { executionStarted: 3, taskCompleted: 7 } as const;
const ACTIVITY_REQUEST = { orchestrationInstance: 4, taskId: 5 } as const;
const ORCHESTRATION_INSTANCE = { instanceId: 1 } as const;
const ORCHESTRATOR_RESPONSE = { instanceId: 1, actions: 2, completionToken: 4 } as const;
const ORCHESTRATOR_ACTION = { id: 1, scheduleTask: 2, completeOrchestration: 6 } as const;
const SCHEDULE_TASK_ACTION = { name: 1, input: 3 } as const;
const COMPLETE_ORCHESTRATION_ACTION = { orchestrationStatus: 1, result: 2 } as const;
const ACTIVITY_RESPONSE = { instanceId: 1, taskId: 2, result: 3, completionToken: 5 } as const;
const CREATE_INSTANCE_REQUEST = { instanceId: 1, name: 2, input: 4 } as const;

// ---- writing ----

function varintBytes(value: number): number[] {
  // Only non-negative 32-bit values: every number the driver writes is a length, an id or an enum.
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`varint out of range: ${value}`);
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

function tagBytes(field: number, wireType: number): number[] {
  return varintBytes(field * 8 + wireType);
}

/** A varint field (int32 >= 0, enum). */
export function varintField(field: number, value: number): Buffer {
  return Buffer.from([...tagBytes(field, WIRE_VARINT), ...varintBytes(value)]);
}

/** A length-delimited field holding `body` (an embedded message or raw bytes). */
export function bytesField(field: number, body: Uint8Array): Buffer {
  const head = Buffer.from([...tagBytes(field, WIRE_LEN), ...varintBytes(body.length)]);
  return Buffer.concat([head, body]);
}

export function stringField(field: number, value: string): Buffer {
  return bytesField(field, Buffer.from(value, 'utf8'));
}

/** A google.protobuf.StringValue wrapper as field `field`. */
export function stringValueField(field: number, value: string): Buffer {
  return bytesField(field, stringField(STRING_VALUE.value, value));
}

// ---- the driver's messages: constant parts prepared once, per-answer strings spliced in ----

/** OrchestratorAction{id, scheduleTask{name, input}}. */
export function scheduleTaskAction(id: number, name: string, inputJson: string): Buffer {
  const schedule = Buffer.concat([stringField(SCHEDULE_TASK_ACTION.name, name), stringValueField(SCHEDULE_TASK_ACTION.input, inputJson)]);
  return Buffer.concat([varintField(ORCHESTRATOR_ACTION.id, id), bytesField(ORCHESTRATOR_ACTION.scheduleTask, schedule)]);
}

/** OrchestratorAction{id, completeOrchestration{orchestrationStatus, result}}. */
export function completeOrchestrationAction(id: number, status: number, resultJson: string): Buffer {
  const complete = Buffer.concat([
    varintField(COMPLETE_ORCHESTRATION_ACTION.orchestrationStatus, status),
    stringValueField(COMPLETE_ORCHESTRATION_ACTION.result, resultJson),
  ]);
  return Buffer.concat([varintField(ORCHESTRATOR_ACTION.id, id), bytesField(ORCHESTRATOR_ACTION.completeOrchestration, complete)]);
}

/** OrchestratorResponse{instanceId, actions: [action], completionToken} for one prepared action. */
export function orchestratorResponseEncoder(action: Uint8Array): (instanceId: string, completionToken: string) => Buffer {
  const actions = bytesField(ORCHESTRATOR_RESPONSE.actions, action);
  return (instanceId, completionToken) =>
    Buffer.concat([stringField(ORCHESTRATOR_RESPONSE.instanceId, instanceId), actions, stringField(ORCHESTRATOR_RESPONSE.completionToken, completionToken)]);
}

/** ActivityResponse{instanceId, taskId, result, completionToken} with a prepared result. */
export function activityResponseEncoder(resultJson: string): (instanceId: string, taskId: number, completionToken: string) => Buffer {
  const result = stringValueField(ACTIVITY_RESPONSE.result, resultJson);
  return (instanceId, taskId, completionToken) =>
    Buffer.concat([
      stringField(ACTIVITY_RESPONSE.instanceId, instanceId),
      varintField(ACTIVITY_RESPONSE.taskId, taskId),
      result,
      stringField(ACTIVITY_RESPONSE.completionToken, completionToken),
    ]);
}

/** CreateInstanceRequest{instanceId, name, input} with a prepared name and input. */
export function createInstanceRequestEncoder(name: string, inputJson: string): (instanceId: string) => Buffer {
  const rest = Buffer.concat([stringField(CREATE_INSTANCE_REQUEST.name, name), stringValueField(CREATE_INSTANCE_REQUEST.input, inputJson)]);
  return (instanceId) => Buffer.concat([stringField(CREATE_INSTANCE_REQUEST.instanceId, instanceId), rest]);
}

// ---- reading ----

/** Walks the fields of one message in `bytes[start, end)`. Throws on truncated or malformed input. */
export class WireReader {
  #bytes: Uint8Array;
  #pos: number;
  readonly #end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#pos = start;
    this.#end = end;
  }

  get done(): boolean {
    return this.#pos >= this.#end;
  }

  /** The next field's tag: field number * 8 + wire type. */
  tag(): number {
    return this.varint();
  }

  /** A varint's low 32 bits as an unsigned number (int32 fields read back with `| 0`). */
  varint(): number {
    let result = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.#pos >= this.#end) throw new RangeError('truncated varint');
      const byte = this.#bytes[this.#pos++]!;
      if (shift < 32) result += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return result % 2 ** 32;
    }
    throw new RangeError('varint longer than 10 bytes');
  }

  /** A length-delimited field's body as [start, end) of the underlying bytes. */
  lengthDelimited(): [number, number] {
    const length = this.varint();
    const start = this.#pos;
    if (length > this.#end - start) throw new RangeError('length-delimited field past the end of its message');
    this.#pos = start + length;
    return [start, this.#pos];
  }

  string(): string {
    const [start, end] = this.lengthDelimited();
    return Buffer.from(this.#bytes.buffer, this.#bytes.byteOffset + start, end - start).toString('utf8');
  }

  /** A reader over an embedded message field. */
  message(): WireReader {
    const [start, end] = this.lengthDelimited();
    return new WireReader(this.#bytes, start, end);
  }

  /** Skips the value of a field whose tag was just read. */
  skip(tag: number): void {
    const wireType = tag & 7;
    if (wireType === WIRE_VARINT) this.varint();
    else if (wireType === WIRE_LEN) this.lengthDelimited();
    else if (wireType === WIRE_I64 || wireType === WIRE_I32) {
      this.#pos += wireType === WIRE_I64 ? 8 : 4;
      if (this.#pos > this.#end) throw new RangeError('fixed-width field past the end of its message');
    } else throw new RangeError(`unsupported wire type ${wireType}`);
  }
}

export interface WorkItemSummary {
  /** Which request the item carries; 'other' for health pings and entity work. */
  kind: 'orchestrator' | 'activity' | 'other';
  completionToken: string;
  instanceId: string;
  /** Activity items only. */
  taskId: number;
  /** Orchestrator items only: whether newEvents hold ExecutionStarted / TaskCompleted. */
  executionStarted: boolean;
  taskCompleted: boolean;
}

/** Decodes a WorkItem, walking only the fields the driver's answers need. */
export function decodeWorkItem(bytes: Uint8Array): WorkItemSummary {
  const item: WorkItemSummary = { kind: 'other', completionToken: '', instanceId: '', taskId: 0, executionStarted: false, taskCompleted: false };
  const reader = new WireReader(bytes);
  while (!reader.done) {
    const tag = reader.tag();
    if (tag === lenTag(WORK_ITEM.orchestratorRequest)) {
      item.kind = 'orchestrator';
      readOrchestratorRequest(reader.message(), item);
    } else if (tag === lenTag(WORK_ITEM.activityRequest)) {
      item.kind = 'activity';
      readActivityRequest(reader.message(), item);
    } else if (tag === lenTag(WORK_ITEM.completionToken)) item.completionToken = reader.string();
    else reader.skip(tag);
  }
  return item;
}

function lenTag(field: number): number {
  return field * 8 + WIRE_LEN;
}

function readOrchestratorRequest(reader: WireReader, item: WorkItemSummary): void {
  while (!reader.done) {
    const tag = reader.tag();
    if (tag === lenTag(ORCHESTRATOR_REQUEST.instanceId)) item.instanceId = reader.string();
    else if (tag === lenTag(ORCHESTRATOR_REQUEST.newEvents)) readNewEvent(reader.message(), item);
    else reader.skip(tag);
  }
}

function readNewEvent(reader: WireReader, item: WorkItemSummary): void {
  while (!reader.done) {
    const tag = reader.tag();
    if (tag === lenTag(HISTORY_EVENT.executionStarted)) item.executionStarted = true;
    else if (tag === lenTag(HISTORY_EVENT.taskCompleted)) item.taskCompleted = true;
    reader.skip(tag);
  }
}

function readActivityRequest(reader: WireReader, item: WorkItemSummary): void {
  while (!reader.done) {
    const tag = reader.tag();
    if (tag === lenTag(ACTIVITY_REQUEST.orchestrationInstance)) {
      const instance = reader.message();
      while (!instance.done) {
        const innerTag = instance.tag();
        if (innerTag === lenTag(ORCHESTRATION_INSTANCE.instanceId)) item.instanceId = instance.string();
        else instance.skip(innerTag);
      }
    } else if (tag === ACTIVITY_REQUEST.taskId * 8 + WIRE_VARINT) item.taskId = reader.varint() | 0;
    else reader.skip(tag);
  }
}

// ---- gRPC message framing (the Length-Prefixed-Message of gRPC over HTTP/2) ----

const GRPC_PREFIX_BYTES = 5;

/** One message with gRPC's prefix: compression flag 0, then its length as 4 bytes big-endian. */
export function grpcFrame(message: Uint8Array): Buffer {
  const framed = Buffer.allocUnsafe(GRPC_PREFIX_BYTES + message.length);
  framed[0] = 0;
  framed.writeUInt32BE(message.length, 1);
  framed.set(message, GRPC_PREFIX_BYTES);
  return framed;
}

/**
 * Splits a gRPC body, fed as DATA chunks, into messages: one chunk may hold many messages and one
 * message may span chunks (those are joined once the message is complete, not per chunk). Throws
 * on a compressed message (the driver never offers an encoding).
 */
export function grpcMessageSplitter(onMessage: (message: Buffer) => void): (chunk: Buffer) => void {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let neededBytes = GRPC_PREFIX_BYTES;
  return (chunk) => {
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes < neededBytes) return;
    const bytes = pending.length === 1 ? chunk : Buffer.concat(pending, pendingBytes);
    let offset = 0;
    neededBytes = GRPC_PREFIX_BYTES;
    while (bytes.length - offset >= GRPC_PREFIX_BYTES) {
      if (bytes[offset] !== 0) throw new Error('compressed gRPC message received; none was offered');
      const end = offset + GRPC_PREFIX_BYTES + bytes.readUInt32BE(offset + 1);
      if (end > bytes.length) {
        neededBytes = end - offset;
        break;
      }
      onMessage(bytes.subarray(offset + GRPC_PREFIX_BYTES, end));
      offset = end;
    }
    const rest = bytes.subarray(offset);
    pending = rest.length === 0 ? [] : [rest];
    pendingBytes = rest.length;
  };
}
