/**
 * What one request message may cost, checked on its raw bytes before it is decoded: a walk of
 * the protobuf wire format, driven by request-schema.ts, that allocates nothing per field and
 * stops at the first violation. It bounds the number of elements (embedded messages and repeated
 * values: decoding costs about 200 bytes of objects each), the count of every repeated field,
 * the nesting depth (and the `innerFailure` chain of failure details), and the range of every
 * Timestamp and Duration. It also refuses wire-format damage the decoder would trip over later
 * (cut-short fields, lengths past the end, group or unknown wire types).
 *
 * It knows no transport and no codec: bytes in, `undefined` or a precise `ServerError` out.
 */
import { ServerError, type ErrorCode } from '../../domain/errors.ts';
import type { Limits } from '../../domain/limits.ts';
import { DURATION_SECONDS_MAX, NANOS_MAX, TIMESTAMP_SECONDS_MAX, TIMESTAMP_SECONDS_MIN } from '../../domain/time-range.ts';
import { INSTANCE_BATCH_MAX } from '../../engine/instance-purge.ts';
import { invariant } from '../../lib/assert.ts';
import { compact } from '../../lib/compact.ts';
import { FILTERS_MAX, VERSIONS_MAX } from '../proto/work-item-filters-map.ts';
import { REQUEST_SCHEMA, type CountClass, type FieldRule } from './request-schema.ts';

/** The protocol's OrchestrationStatus has eight values; a longer list repeats one. */
const STATUSES_MAX = 8;
/** Lists without a limit of their own (failure properties, Struct fields, lock sets, capabilities). */
const LIST_ENTRIES_MAX = 1000;
/** The most repeated fields one message of the schema has. */
const SLOTS_MAX = 4;

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;

/** Limits whose check after decoding already answers INVALID_ARGUMENT keep that code here. */
const INVALID_WHEN_EXCEEDED: ReadonlySet<CountClass> = new Set(['tags', 'instanceIds', 'filters', 'versions']);

export function countLimits(limits: Limits): Readonly<Record<CountClass, number>> {
  return {
    actions: limits.actionsPerResponseMax,
    events: limits.historyEventsMax,
    tags: limits.tagsCountMax,
    instanceIds: INSTANCE_BATCH_MAX,
    statuses: STATUSES_MAX,
    filters: FILTERS_MAX,
    versions: VERSIONS_MAX,
    entries: LIST_ENTRIES_MAX,
  };
}

interface Message {
  readonly name: string;
  /** By field number; undefined for scalars and unknown fields. */
  readonly fields: (Field | undefined)[];
  readonly slots: number;
  readonly time?: 'Timestamp' | 'Duration';
  readonly failure: boolean;
}

interface Field {
  readonly rule: FieldRule;
  readonly number: number;
  /** Filled in once every message is compiled (messages refer to each other). */
  child: Message | undefined;
  /** Index of its counter among the message's repeated fields; -1 when not repeated. */
  readonly slot: number;
  readonly countMax: number;
  readonly code: ErrorCode;
}

/** Thrown inside the walk only; `check` turns it into its ServerError. */
class Violation extends Error {
  readonly error: ServerError;
  constructor(error: ServerError) {
    super(error.message);
    this.error = error;
  }
}

export class RequestBounds {
  readonly #messages = new Map<string, Message>();
  readonly #elementsMax: number;
  readonly #depthMax: number;
  readonly #failureDepthMax: number;
  // Scratch state of the walk in progress (walks are synchronous, so one set serves them all).
  #bytes: Uint8Array = new Uint8Array(0);
  #pos = 0;
  #elements = 0;
  #root = '';
  readonly #path: (Field | undefined)[];
  readonly #counts: Int32Array;

  constructor(limits: Limits) {
    this.#elementsMax = limits.requestElementsMax;
    this.#failureDepthMax = limits.failureDetailsDepthMax;
    // Room for a failure chain at its limit below the deepest request path that carries one.
    this.#depthMax = 2 * limits.failureDetailsDepthMax;
    this.#path = new Array<Field | undefined>(this.#depthMax + 1);
    this.#counts = new Int32Array((this.#depthMax + 1) * SLOTS_MAX);
    compile(this.#messages, countLimits(limits));
  }

  /** Undefined when `bytes` is a `type` message within every bound; else why not. */
  check(bytes: Uint8Array, type: string): ServerError | undefined {
    const root = this.#messages.get(type);
    invariant(root !== undefined, `request-schema.ts has no message ${type}`);
    this.#bytes = bytes;
    this.#pos = 0;
    this.#elements = 0;
    this.#root = type;
    try {
      this.#message(root, bytes.length, 0, 0);
      return undefined;
    } catch (error) {
      if (error instanceof Violation) return error.error;
      throw error;
    } finally {
      this.#bytes = new Uint8Array(0);
    }
  }

  /** Walks the fields of `message` up to `end`; `failureLevel` is its place in an innerFailure chain. */
  #message(message: Message, end: number, depth: number, failureLevel: number): void {
    const base = depth * SLOTS_MAX;
    for (let i = 0; i < message.slots; i++) this.#counts[base + i] = 0;
    while (this.#pos < end) {
      const tag = this.#tag(end, depth);
      const number = tag >>> 3;
      const wire = tag & 7;
      const field = number < message.fields.length ? message.fields[number] : undefined;
      if (field === undefined) this.#skip(wire, end, depth, number);
      else if (field.child !== undefined) this.#embedded(field, field.child, wire, end, depth, failureLevel, base);
      else this.#repeatedScalar(field, wire, end, depth, base);
    }
  }

  #embedded(field: Field, child: Message, wire: number, end: number, depth: number, failureLevel: number, base: number): void {
    if (wire !== WIRE_LEN) this.#fail('INVALID_ARGUMENT', depth, field, `is a message, so its wire type must be 2, not ${wire}`);
    const bodyEnd = this.#length(end, depth, field);
    this.#countElement(depth, field);
    if (field.slot >= 0) this.#countEntry(field, base, depth);
    this.#path[depth] = field;
    if (depth + 1 > this.#depthMax) this.#fail('INVALID_ARGUMENT', depth + 1, undefined, `nests messages more than ${this.#depthMax} levels deep; the maximum is ${this.#depthMax}`);
    const level = child.failure ? failureLevel + 1 : 0;
    if (level > this.#failureDepthMax) {
      this.#fail('INVALID_ARGUMENT', depth + 1, undefined, `nests failure details (innerFailure) more than ${this.#failureDepthMax} levels deep; the maximum is ${this.#failureDepthMax}`);
    }
    if (child.time !== undefined) this.#time(child.time, bodyEnd, depth + 1);
    else this.#message(child, bodyEnd, depth + 1, level);
    this.#pos = bodyEnd;
  }

  #repeatedScalar(field: Field, wire: number, end: number, depth: number, base: number): void {
    if (field.rule.packed === true && wire === WIRE_LEN) {
      const bodyEnd = this.#length(end, depth, field);
      while (this.#pos < bodyEnd) {
        this.#varint(bodyEnd, depth, field);
        this.#countElement(depth, field);
        this.#countEntry(field, base, depth);
      }
      return;
    }
    const expected = field.rule.packed === true ? WIRE_VARINT : WIRE_LEN;
    if (wire !== expected) this.#fail('INVALID_ARGUMENT', depth, field, `must have wire type ${field.rule.packed === true ? '0 or 2' : '2'}, not ${wire}`);
    this.#skip(wire, end, depth, field.number);
    this.#countElement(depth, field);
    this.#countEntry(field, base, depth);
  }

  #countElement(depth: number, field: Field): void {
    if (++this.#elements > this.#elementsMax) {
      this.#fail('RESOURCE_EXHAUSTED', depth, field, `takes the message past ${this.#elementsMax} elements (embedded messages and repeated values); the maximum is ${this.#elementsMax}`);
    }
  }

  #countEntry(field: Field, base: number, depth: number): void {
    const index = base + field.slot;
    const count = (this.#counts[index] as number) + 1;
    this.#counts[index] = count;
    if (count > field.countMax) this.#fail(field.code, depth, field, `has more than ${field.countMax} entries; the maximum is ${field.countMax}`);
  }

  /** A Timestamp or Duration body: seconds (1) and nanos (2), checked against the protocol's range. */
  #time(kind: 'Timestamp' | 'Duration', end: number, depth: number): void {
    let seconds = 0;
    let nanos = 0;
    while (this.#pos < end) {
      const tag = this.#tag(end, depth);
      const number = tag >>> 3;
      if (number > 2) this.#skip(tag & 7, end, depth, number);
      else if ((tag & 7) !== WIRE_VARINT) this.#fail('INVALID_ARGUMENT', depth, undefined, `is a ${kind} whose field ${number} has wire type ${tag & 7}, not 0`);
      // As the decoder reads them: seconds as int64, nanos as the low 32 bits of the varint.
      else if (number === 1) seconds = this.#signed(end, depth);
      else nanos = this.#signed(end, depth, true);
    }
    if (kind === 'Timestamp') {
      if (seconds < TIMESTAMP_SECONDS_MIN || seconds > TIMESTAMP_SECONDS_MAX) {
        this.#fail('INVALID_ARGUMENT', depth, undefined, `has seconds ${seconds}; a Timestamp lies from 0001-01-01 to 9999-12-31 (seconds ${TIMESTAMP_SECONDS_MIN} to ${TIMESTAMP_SECONDS_MAX})`);
      }
      if (nanos < 0 || nanos > NANOS_MAX) this.#fail('INVALID_ARGUMENT', depth, undefined, `has nanos ${nanos}; a Timestamp's nanos are 0 to ${NANOS_MAX}`);
      return;
    }
    if (Math.abs(seconds) > DURATION_SECONDS_MAX) this.#fail('INVALID_ARGUMENT', depth, undefined, `has seconds ${seconds}; a Duration lies within ±${DURATION_SECONDS_MAX} seconds`);
    if (Math.abs(nanos) > NANOS_MAX || (seconds > 0 && nanos < 0) || (seconds < 0 && nanos > 0)) {
      this.#fail('INVALID_ARGUMENT', depth, undefined, `has nanos ${nanos}; a Duration's nanos are within ±${NANOS_MAX} with the sign of its seconds (${seconds})`);
    }
  }

  /**
   * A field's tag. The decoder reads a tag's low 32 bits only, so a longer one would name a
   * different field to it than to this walk: refused, as is field number 0.
   */
  #tag(end: number, depth: number): number {
    const tag = this.#varint(end, depth, undefined);
    if (tag > 0xffffffff) this.#fail('INVALID_ARGUMENT', depth, undefined, 'has a field tag wider than 32 bits');
    if (tag < 8) this.#fail('INVALID_ARGUMENT', depth, undefined, 'has a field numbered 0, which protobuf does not allow');
    return tag >>> 0;
  }

  #skip(wire: number, end: number, depth: number, number: number): void {
    if (wire === WIRE_VARINT) this.#varint(end, depth, undefined);
    else if (wire === WIRE_LEN) {
      const length = this.#varint(end, depth, undefined);
      if (length > end - this.#pos) this.#fail('INVALID_ARGUMENT', depth, undefined, `has field ${number} declaring ${length} bytes where ${end - this.#pos} are left`);
      this.#pos += length;
    }
    else if (wire === WIRE_I64 || wire === WIRE_I32) {
      this.#pos += wire === WIRE_I64 ? 8 : 4;
      if (this.#pos > end) this.#fail('INVALID_ARGUMENT', depth, undefined, `is cut short inside field ${number}`);
    } else {
      const what = wire === 3 || wire === 4 ? 'a group, which this protocol does not use' : 'not a protobuf wire type';
      this.#fail('INVALID_ARGUMENT', depth, undefined, `has field ${number} with wire type ${wire}: ${what}`);
    }
  }

  /** A length prefix; returns where the body ends. */
  #length(end: number, depth: number, field: Field | undefined): number {
    const length = this.#varint(end, depth, field);
    if (length > end - this.#pos) this.#fail('INVALID_ARGUMENT', depth, field, `declares ${length} bytes but only ${end - this.#pos} are left`);
    return this.#pos + length;
  }

  /** An unsigned varint of up to 64 bits as a number (exact below 2^53). */
  #varint(end: number, depth: number, field: Field | undefined): number {
    const bytes = this.#bytes;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.#pos >= end) this.#fail('INVALID_ARGUMENT', depth, field, 'is cut short inside a varint');
      const byte = bytes[this.#pos++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    return this.#fail('INVALID_ARGUMENT', depth, field, 'has a varint longer than 10 bytes');
  }

  /**
   * A varint read as the decoder reads int64 and int32 fields: its low 64 bits as a signed
   * number (exact within ±2^53, far beyond every range checked here), or, for `int32`, its low
   * 32 bits as a signed 32-bit number.
   */
  #signed(end: number, depth: number, int32 = false): number {
    const bytes = this.#bytes;
    let low = 0;
    let high = 0;
    for (let i = 0; i < 10; i++) {
      if (this.#pos >= end) this.#fail('INVALID_ARGUMENT', depth, undefined, 'is cut short inside a varint');
      const byte = bytes[this.#pos++] as number;
      const bits = byte & 0x7f;
      if (i < 4) low |= bits << (7 * i);
      else if (i === 4) {
        low |= bits << 28;
        high |= bits >>> 4;
      } else high |= bits << (7 * i - 32);
      if (byte < 0x80) return int32 ? low | 0 : (high | 0) * 4294967296 + (low >>> 0);
    }
    return this.#fail('INVALID_ARGUMENT', depth, undefined, 'has a varint longer than 10 bytes');
  }

  #fail(code: ErrorCode, depth: number, field: Field | undefined, problem: string): never {
    throw new Violation(new ServerError(code, `${this.#pathTo(depth, field)} ${problem}`, { details: { path: this.#pathTo(depth, field) } }));
  }

  /** `CreateInstanceRequest.tags` or `ActivityResponse.failureDetails.innerFailure(x31)`. */
  #pathTo(depth: number, field: Field | undefined): string {
    const names: string[] = [];
    for (let i = 0; i < depth; i++) names.push(this.#path[i]?.rule.name ?? '?');
    if (field !== undefined) names.push(field.rule.name);
    const parts: string[] = [this.#root];
    for (let i = 0; i < names.length; i++) {
      let run = 1;
      while (names[i + run] === names[i]) run++;
      parts.push(run === 1 ? (names[i] as string) : `${names[i]}(x${run})`);
      i += run - 1;
    }
    return parts.join('.');
  }
}

function compile(into: Map<string, Message>, counts: Readonly<Record<CountClass, number>>): void {
  const pending: Field[] = [];
  for (const [name, rules] of Object.entries(REQUEST_SCHEMA)) {
    const fields: (Field | undefined)[] = [];
    let slots = 0;
    for (const [key, rule] of Object.entries(rules)) {
      const number = Number(key);
      const slot = rule.repeated === undefined ? -1 : slots++;
      const countMax = rule.repeated === undefined ? 0 : counts[rule.repeated];
      const code: ErrorCode = rule.repeated !== undefined && INVALID_WHEN_EXCEEDED.has(rule.repeated) ? 'INVALID_ARGUMENT' : 'RESOURCE_EXHAUSTED';
      const field: Field = { rule, number, child: undefined, slot, countMax, code };
      fields[number] = field;
      if (rule.message !== undefined) pending.push(field);
    }
    invariant(slots <= SLOTS_MAX, `request-schema.ts: ${name} has more than ${SLOTS_MAX} repeated fields`);
    const time = name === 'Timestamp' || name === 'Duration' ? name : undefined;
    into.set(name, compact({ name, fields, slots, failure: name === 'TaskFailureDetails', time }));
  }
  for (const field of pending) {
    field.child = into.get(field.rule.message as string);
    invariant(field.child !== undefined, `request-schema.ts: ${field.rule.name} refers to the unknown message ${field.rule.message}`);
  }
}
