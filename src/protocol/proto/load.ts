/**
 * Loads the Durable Task protocol's generated code from the installed `@microsoft/durabletask-js`
 * package (CommonJS, google-protobuf based) and re-exports it with its TypeScript types. We never
 * copy the generated files into the repository. The google-protobuf well-known types are loaded
 * through the generated module's own resolution, so the classes we construct are the very ones its
 * serializers expect. Besides `require`, importing this module only bounds google-protobuf's
 * string reads (bounded-strings.ts), before any message is decoded.
 *
 * Usage: `proto` holds the message classes as values (`new proto.HistoryEvent()`), `pb` is the
 * same module as a type-only namespace (`m: pb.HistoryEvent`, `pb.HistoryEvent.EventtypeCase`).
 */
import { createRequire } from 'node:module';
import type * as PbModule from '@microsoft/durabletask-js/dist/proto/orchestrator_service_pb.js';
import type * as GrpcModule from '@microsoft/durabletask-js/dist/proto/orchestrator_service_grpc_pb.js';
import type * as EmptyModule from 'google-protobuf/google/protobuf/empty_pb.js';
import type * as StructModule from 'google-protobuf/google/protobuf/struct_pb.js';
import type * as TimestampModule from 'google-protobuf/google/protobuf/timestamp_pb.js';
import type * as WrappersModule from 'google-protobuf/google/protobuf/wrappers_pb.js';
import { boundStringReads } from './bounded-strings.ts';

export type * as pb from '@microsoft/durabletask-js/dist/proto/orchestrator_service_pb.js';
export type { ITaskHubSidecarServiceServer } from '@microsoft/durabletask-js/dist/proto/orchestrator_service_grpc_pb.js';
export type { Map as PbMap } from 'google-protobuf';

const requireHere = createRequire(import.meta.url);
const pbPath = requireHere.resolve('@microsoft/durabletask-js/dist/proto/orchestrator_service_pb.js');
const requireBesidePb = createRequire(pbPath);

boundStringReads(requireBesidePb('google-protobuf'));

/** The generated message classes and enums, as runtime values. */
export const proto = requireBesidePb(pbPath) as typeof PbModule;

const grpcModule = requireBesidePb('./orchestrator_service_grpc_pb.js') as typeof GrpcModule;
/** The grpc-js service definition of `TaskHubSidecarService` (29 RPCs). */
export const TaskHubSidecarServiceService = grpcModule.TaskHubSidecarServiceService;

const wrappers = requireBesidePb('google-protobuf/google/protobuf/wrappers_pb.js') as typeof WrappersModule;
const timestamp = requireBesidePb('google-protobuf/google/protobuf/timestamp_pb.js') as typeof TimestampModule;
const empty = requireBesidePb('google-protobuf/google/protobuf/empty_pb.js') as typeof EmptyModule;
const struct = requireBesidePb('google-protobuf/google/protobuf/struct_pb.js') as typeof StructModule;

export const StringValue = wrappers.StringValue;
export type StringValue = WrappersModule.StringValue;
export const Int32Value = wrappers.Int32Value;
export const BoolValue = wrappers.BoolValue;
export type Int32Value = WrappersModule.Int32Value;
export const Timestamp = timestamp.Timestamp;
export type Timestamp = TimestampModule.Timestamp;
export const Empty = empty.Empty;
export type Empty = EmptyModule.Empty;
export const Value = struct.Value;
export type Value = StructModule.Value;
export const Struct = struct.Struct;
export type Struct = StructModule.Struct;
