/**
 * The wire primitives of the hand-written writers (work-item-map.ts, state-map.ts), on
 * protobufjs's Writer: each writes a field as google-protobuf's generated serializers do, proto3
 * defaults left out, present wrappers written even when empty, map entries in key order.
 */
import protobuf from 'protobufjs/minimal.js';
import type { FailureDetails, Tags } from '../../domain/history-event.ts';
import { clampTimeMs } from '../../domain/time-range.ts';
import { toFailureDetails } from './common-map.ts';

export type Writer = protobuf.Writer;
export const { Writer: WriterClass } = protobuf;

export const VARINT = 0;
export const LEN = 2;
export const tag = (field: number, wireType: number): number => (field << 3) | wireType;

export function str(w: Writer, field: number, s: string): Writer {
  return s.length === 0 ? w : w.uint32(tag(field, LEN)).string(s);
}

export function int32(w: Writer, field: number, n: number): Writer {
  return n === 0 ? w : w.uint32(tag(field, VARINT)).int32(n);
}

export function bool(w: Writer, field: number, b: boolean): Writer {
  return b ? w.uint32(tag(field, VARINT)).bool(true) : w;
}

/** `google.protobuf.StringValue`: absent when undefined, an empty message for ''. */
export function stringValue(w: Writer, field: number, s: string | undefined): Writer {
  if (s === undefined) return w;
  w.uint32(tag(field, LEN)).fork();
  return str(w, 1, s).ldelim();
}

/** `google.protobuf.Timestamp` of epoch ms; stored times outside its range are clamped (as common-map.ts does). */
export function timestamp(w: Writer, field: number, stored: number): void {
  const ms = clampTimeMs(stored);
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.floor(ms - seconds * 1000) * 1_000_000;
  w.uint32(tag(field, LEN)).fork();
  if (seconds !== 0) w.uint32(tag(1, VARINT)).int64(seconds);
  int32(w, 2, nanos);
  w.ldelim();
}

export function failureDetails(w: Writer, field: number, f: FailureDetails | undefined): void {
  if (f !== undefined) w.uint32(tag(field, LEN)).bytes(toFailureDetails(f)!.serializeBinary());
}

/** A `map<string, string>` field, its entries in key order as google-protobuf writes them. */
export function tagMap(w: Writer, field: number, tags: Tags | undefined): void {
  if (tags === undefined) return;
  for (const key of Object.keys(tags).sort()) {
    w.uint32(tag(field, LEN)).fork();
    w.uint32(tag(1, LEN)).string(key);
    w.uint32(tag(2, LEN)).string(tags[key]!);
    w.ldelim();
  }
}
