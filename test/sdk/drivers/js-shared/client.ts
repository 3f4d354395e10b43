/**
 * The client operations the catalogue's scenarios use, in one shape for both JavaScript SDKs:
 * each driver adapts its SDK's client to `ScenarioClient`. States come back already observed
 * the catalogue's way (status names without prefix, payloads JSON-decoded, null when absent).
 * Optional members are what one of the SDKs lacks. Imports no SDK.
 */

export interface Failure {
  readonly errorType: string;
  readonly message: string;
  readonly inner: Failure | null;
}

export interface State {
  readonly instanceId: string;
  readonly status: string;
  readonly name: string;
  readonly input: unknown;
  readonly output: unknown;
  readonly customStatus: unknown;
  readonly failure: Failure | null;
  readonly tags: Readonly<Record<string, string>> | null;
  readonly createdAt: Date;
}

export interface StartOptions {
  readonly instanceId?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface InstanceQuery {
  readonly prefix: string;
  readonly statuses?: readonly string[];
  readonly createdFrom?: Date;
  readonly createdTo?: Date;
  readonly pageSize?: number;
  readonly payloads?: boolean;
}

export interface PurgeFilter {
  readonly createdFrom: Date;
  readonly createdTo: Date;
  readonly statuses: readonly string[];
}

export interface EntityState {
  readonly state: unknown;
  readonly lockedBy: string | null;
}

export interface EntityClient {
  signal(entity: string, key: string, operation: string, input?: unknown): Promise<void>;
  /** Null when the entity does not exist. */
  get(entity: string, key: string, includeState: boolean): Promise<EntityState | null>;
  /** Pages of the entities whose instance id starts with `prefix`, with their states. */
  query(prefix: string, pageSize: number): AsyncIterable<ReadonlyArray<EntityState & { readonly key: string }>>;
}

export interface ScenarioClient {
  start(name: string, input?: unknown, options?: StartOptions): Promise<string>;
  /** Null when the instance does not exist. */
  state(instanceId: string, payloads?: boolean): Promise<State | null>;
  waitForStart(instanceId: string, timeoutS: number): Promise<State | null>;
  waitForCompletion(instanceId: string, timeoutS: number): Promise<State | null>;
  raise(instanceId: string, name: string, data: unknown): Promise<void>;
  terminate(instanceId: string, output: unknown, recursive: boolean): Promise<void>;
  suspend(instanceId: string): Promise<void>;
  resume(instanceId: string): Promise<void>;
  /** The number of instances deleted. */
  purge(instanceId: string): Promise<number>;
  purgeByFilter(filter: PurgeFilter): Promise<number>;
  /** The gRPC status name an SDK call was rejected with ("UNKNOWN" when it carries none). */
  errorCode(err: unknown): string;
  /** Pages of the matching instances. */
  query?(query: InstanceQuery): AsyncIterable<readonly State[]>;
  restart?(instanceId: string, newInstanceId: boolean): Promise<string>;
  rewind?(instanceId: string, reason: string): Promise<void>;
  /** Event types in order, as UpperCamelCase HistoryEvent field names. */
  history?(instanceId: string): Promise<string[]>;
  readonly entities?: EntityClient;
}

/** The canonical gRPC status names by code (fixed by the gRPC specification). */
const grpcCodeNames = [
  "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
  "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
  "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
];

/** The status name of a grpc-js ServiceError, looking through wrapping errors' `cause`. */
function grpcErrorCode(err: unknown): string {
  for (let e: unknown = err; typeof e === "object" && e !== null; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "number") return grpcCodeNames[code] ?? `CODE_${code}`;
  }
  return "UNKNOWN";
}

/** A serialized payload decoded: null when absent or empty. */
function decodePayload(text: string | undefined): unknown {
  return text === undefined || text === "" ? null : JSON.parse(text);
}

/** Orchestration statuses by their protocol number; both SDKs' enums use these numbers. */
const statusNames = ["RUNNING", "COMPLETED", "CONTINUED_AS_NEW", "FAILED", "CANCELED", "TERMINATED", "PENDING", "SUSPENDED"];

export function statusNumber(name: string): number {
  const n = statusNames.indexOf(name);
  if (n === -1) throw new Error(`unknown status ${name}`);
  return n;
}

/** What both JavaScript SDKs' `OrchestrationState` classes carry (the Dapr one has no tags). */
export interface SdkOrchestrationState {
  readonly instanceId: string;
  readonly name: string;
  readonly runtimeStatus: number;
  readonly createdAt: Date;
  readonly serializedInput?: string;
  readonly serializedOutput?: string;
  readonly serializedCustomStatus?: string;
  readonly failureDetails?: { readonly errorType: string; readonly message: string };
  readonly tags?: Record<string, string>;
}

/** An SDK's state observed the catalogue's way; neither SDK's failure details carry an inner failure. */
export function observeState(s: SdkOrchestrationState | undefined): State | null {
  if (s === undefined) return null;
  const f = s.failureDetails;
  return {
    instanceId: s.instanceId,
    status: statusNames[s.runtimeStatus] ?? `STATUS_${s.runtimeStatus}`,
    name: s.name,
    input: decodePayload(s.serializedInput),
    output: decodePayload(s.serializedOutput),
    customStatus: decodePayload(s.serializedCustomStatus),
    failure: f === undefined ? null : { errorType: f.errorType, message: f.message, inner: null },
    tags: s.tags ?? null,
    createdAt: s.createdAt,
  };
}

/** The client calls both JavaScript SDKs have, with the same names and shapes. */
export interface SdkClientCommon {
  getOrchestrationState(instanceId: string, fetchPayloads?: boolean): Promise<SdkOrchestrationState | undefined>;
  waitForOrchestrationStart(instanceId: string, fetchPayloads?: boolean, timeout?: number): Promise<SdkOrchestrationState | undefined>;
  waitForOrchestrationCompletion(instanceId: string, fetchPayloads?: boolean, timeout?: number): Promise<SdkOrchestrationState | undefined>;
  raiseOrchestrationEvent(instanceId: string, eventName: string, data?: unknown): Promise<void>;
  suspendOrchestration(instanceId: string): Promise<void>;
  resumeOrchestration(instanceId: string): Promise<void>;
  purgeOrchestration(value: never): Promise<{ deletedInstanceCount: number } | undefined>;
}

/** Both SDKs' `PurgeInstanceCriteria`. */
export interface SdkPurgeCriteria {
  setCreatedTimeFrom(value: Date): void;
  setCreatedTimeTo(value: Date): void;
  setRuntimeStatusList(value: number[]): void;
}

/** The `ScenarioClient` members both SDKs implement alike. */
export function commonMembers(c: SdkClientCommon, newCriteria: () => SdkPurgeCriteria): Omit<ScenarioClient, "start" | "terminate"> {
  const purge = async (value: string | SdkPurgeCriteria): Promise<number> => (await c.purgeOrchestration(value as never))?.deletedInstanceCount ?? 0;
  return {
    state: async (id, payloads = true) => observeState(await c.getOrchestrationState(id, payloads)),
    waitForStart: async (id, timeoutS) => observeState(await c.waitForOrchestrationStart(id, false, timeoutS)),
    waitForCompletion: async (id, timeoutS) => observeState(await c.waitForOrchestrationCompletion(id, true, timeoutS)),
    raise: (id, name, data) => c.raiseOrchestrationEvent(id, name, data),
    suspend: (id) => c.suspendOrchestration(id),
    resume: (id) => c.resumeOrchestration(id),
    purge: (id) => purge(id),
    purgeByFilter(f) {
      const criteria = newCriteria();
      criteria.setCreatedTimeFrom(f.createdFrom);
      criteria.setCreatedTimeTo(f.createdTo);
      criteria.setRuntimeStatusList(f.statuses.map(statusNumber));
      return purge(criteria);
    },
    errorCode: grpcErrorCode,
  };
}
