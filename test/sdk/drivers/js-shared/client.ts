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
export function grpcErrorCode(err: unknown): string {
  for (let e: unknown = err; typeof e === "object" && e !== null; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "number") return grpcCodeNames[code] ?? `CODE_${code}`;
  }
  return "UNKNOWN";
}

/** A serialized payload decoded: null when absent or empty. */
export function decodePayload(text: string | undefined): unknown {
  return text === undefined || text === "" ? null : JSON.parse(text);
}
