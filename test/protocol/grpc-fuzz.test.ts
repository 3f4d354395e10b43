/**
 * Property-based fuzzing of the gRPC edge (fast-check) with a bare HTTP/2 client, against every
 * RPC of TaskHubSidecarService and the KEDA scaler, on a server without and with --auth. Each
 * run sends a batch of calls at once: a valid request of the RPC, mutated (bytes flipped or
 * inserted, cut short, a length inflated, a field repeated thousands of times, nested thousands
 * deep) or random bytes, in gRPC framing that is right or broken (a Compressed-Flag, a length
 * that lies, two messages, no framing). Every answer must carry a precise status: a gRPC code
 * other than UNKNOWN or UNIMPLEMENTED, no INTERNAL from an unexpected error, never a stream
 * ended without a status or no answer at all. After each batch the server must answer Hello.
 *
 * Bounded in count (GRPC_FUZZ_RUNS, default 25 batches) and time (20 s per server); the seed is
 * fixed, printed, and GRPC_FUZZ_SEED replays another (GRPC_FUZZ_PATH, with the path fast-check
 * reports, replays one counterexample).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { bytesField, stringField } from '../../bench/driver/proto-wire.ts';
import { proto, StringValue, Timestamp, Value } from '../../src/protocol/proto/load.ts';
import { RPC_REQUESTS } from '../../src/protocol/wire/rpc-requests.ts';
import { authRest } from '../support/auth-rest.ts';
import { frame, RawGrpc, SIDECAR, type RawAnswer } from '../support/raw-http2.ts';
import { DtsServer, withServerOutput } from '../support/server-process.ts';
import { failureChain, scaledObjectRef } from '../support/wire-requests.ts';

const SEED = Number(process.env['GRPC_FUZZ_SEED'] ?? 20_260_517);
const RUNS = Number(process.env['GRPC_FUZZ_RUNS'] ?? 25);
/** The `path` of a failure fast-check reported, to replay just that counterexample. */
const PATH = process.env['GRPC_FUZZ_PATH'];
const TIME_LIMIT_MS = 20_000;
/** Every call carries a deadline, so long-polls and streams with valid requests end too. */
const DEADLINE = '700m';

function timestamp(seconds: number): InstanceType<typeof Timestamp> {
  const t = new Timestamp();
  t.setSeconds(seconds);
  return t;
}

/** One valid request per message type, holding every kind of field the fuzzer should reach. */
function validRequests(): Record<string, Uint8Array> {
  const failure = new proto.TaskFailureDetails().setErrortype('E').setErrormessage('m').setInnerfailure(new proto.TaskFailureDetails().setErrortype('Inner'));
  failure.getPropertiesMap().set('p', Value.fromJavaScript({ a: [1, 'b', { c: true }] }));
  const start = new proto.CreateInstanceRequest().setInstanceid('fuzz-1').setName('Orch').setInput(new StringValue().setValue('"in"')).setScheduledstarttimestamp(timestamp(1_700_000_000))
    .setOrchestrationidreusepolicy(new proto.OrchestrationIdReusePolicy().setReplaceablestatusList([1, 3]));
  start.getTagsMap().set('k', 'v');
  const response = new proto.OrchestratorResponse().setInstanceid('fuzz-1').setCompletiontoken('token').setCustomstatus(new StringValue().setValue('s'));
  response.addActions(new proto.OrchestratorAction().setId(1).setScheduletask(new proto.ScheduleTaskAction().setName('Act').setInput(new StringValue().setValue('1'))));
  response.addActions(new proto.OrchestratorAction().setId(2).setCreatetimer(new proto.CreateTimerAction().setFireat(timestamp(1_700_000_100))));
  const complete = new proto.CompleteOrchestrationAction().setOrchestrationstatus(3).setFailuredetails(failure);
  complete.addCarryoverevents(new proto.HistoryEvent().setEventid(1).setTimestamp(timestamp(1)).setEventraised(new proto.EventRaisedEvent().setName('e')));
  response.addActions(new proto.OrchestratorAction().setId(3).setCompleteorchestration(complete));
  const entity = new proto.EntityBatchResult().setCompletiontoken('token').setEntitystate(new StringValue().setValue('{}'));
  entity.addResults(new proto.OperationResult().setSuccess(new proto.OperationResultSuccess().setResult(new StringValue().setValue('1'))));
  entity.addActions(new proto.OperationAction().setId(1).setSendsignal(new proto.SendSignalAction().setInstanceid('@e@k').setName('op').setScheduledtime(timestamp(2))));
  const query = new proto.InstanceQuery().setRuntimestatusList([0, 1]).setCreatedtimefrom(timestamp(0)).setMaxinstancecount(10).setInstanceidprefix(new StringValue().setValue('f'));
  const filters = new proto.WorkItemFilters();
  filters.addOrchestrations(new proto.OrchestrationFilter().setName('Orch').setVersionsList(['1']));
  const purge = new proto.PurgeInstancesRequest().setPurgeinstancefilter(new proto.PurgeInstanceFilter().setCreatedtimefrom(timestamp(0)).setRuntimestatusList([1]));
  const message: Record<string, { serializeBinary(): Uint8Array }> = {
    CreateInstanceRequest: start,
    GetInstanceRequest: new proto.GetInstanceRequest().setInstanceid('fuzz-1').setGetinputsandoutputs(true),
    RewindInstanceRequest: new proto.RewindInstanceRequest().setInstanceid('fuzz-1').setReason(new StringValue().setValue('r')),
    RestartInstanceRequest: new proto.RestartInstanceRequest().setInstanceid('fuzz-1').setRestartwithnewinstanceid(true),
    RaiseEventRequest: new proto.RaiseEventRequest().setInstanceid('fuzz-1').setName('e').setInput(new StringValue().setValue('1')),
    TerminateRequest: new proto.TerminateRequest().setInstanceid('fuzz-1').setOutput(new StringValue().setValue('o')).setRecursive(true),
    SuspendRequest: new proto.SuspendRequest().setInstanceid('fuzz-1').setReason(new StringValue().setValue('r')),
    ResumeRequest: new proto.ResumeRequest().setInstanceid('fuzz-1').setReason(new StringValue().setValue('r')),
    QueryInstancesRequest: new proto.QueryInstancesRequest().setQuery(query),
    ListInstanceIdsRequest: new proto.ListInstanceIdsRequest().setRuntimestatusList([1]).setPagesize(5),
    PurgeInstancesRequest: purge,
    GetWorkItemsRequest: new proto.GetWorkItemsRequest().setMaxconcurrentorchestrationworkitems(1).setWorkitemfilters(filters),
    ActivityResponse: new proto.ActivityResponse().setInstanceid('fuzz-1').setTaskid(1).setFailuredetails(failure).setCompletiontoken('token'),
    OrchestratorResponse: response,
    EntityBatchResult: entity,
    StreamInstanceHistoryRequest: new proto.StreamInstanceHistoryRequest().setInstanceid('fuzz-1'),
    CreateTaskHubRequest: new proto.CreateTaskHubRequest().setRecreateifexists(true),
    DeleteTaskHubRequest: new proto.DeleteTaskHubRequest(),
    SignalEntityRequest: new proto.SignalEntityRequest().setInstanceid('@counter@k').setName('add').setRequestid('r').setScheduledtime(timestamp(3)),
    GetEntityRequest: new proto.GetEntityRequest().setInstanceid('@counter@k').setIncludestate(true),
    QueryEntitiesRequest: new proto.QueryEntitiesRequest().setQuery(new proto.EntityQuery().setIncludestate(true).setLastmodifiedfrom(timestamp(0))),
    CleanEntityStorageRequest: new proto.CleanEntityStorageRequest().setRemoveemptyentities(true),
    AbandonActivityTaskRequest: new proto.AbandonActivityTaskRequest().setCompletiontoken('token'),
    AbandonOrchestrationTaskRequest: new proto.AbandonOrchestrationTaskRequest().setCompletiontoken('token'),
    AbandonEntityTaskRequest: new proto.AbandonEntityTaskRequest().setCompletiontoken('token'),
    SkipGracefulOrchestrationTerminationsRequest: new proto.SkipGracefulOrchestrationTerminationsRequest().setInstancebatch(new proto.InstanceBatch().setInstanceidsList(['fuzz-1'])),
  };
  const bytes: Record<string, Uint8Array> = {
    Empty: new Uint8Array(0),
    ScaledObjectRef: scaledObjectRef({ taskhubName: 'default', workItemType: 'Activity' }),
    GetMetricsRequest: Buffer.concat([bytesField(1, scaledObjectRef({ taskhubName: 'default' })), stringField(2, 'm')]),
  };
  for (const [name, m] of Object.entries(message)) bytes[name] = m.serializeBinary();
  return Object.fromEntries(Object.entries(RPC_REQUESTS).map(([path, rpc]) => [path, bytes[rpc.message]!]));
}

/** Top-level fields of a valid message as [start, end) byte ranges (for repeating one of them). */
function fieldsOf(bytes: Uint8Array): [number, number][] {
  const fields: [number, number][] = [];
  let pos = 0;
  const varint = () => {
    let value = 0;
    for (let scale = 1; ; scale *= 128) {
      const byte = bytes[pos++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
  };
  while (pos < bytes.length) {
    const start = pos;
    const wire = varint() % 8;
    if (wire === 0) varint();
    else if (wire === 2) pos += varint();
    else pos += wire === 1 ? 8 : 4;
    fields.push([start, pos]);
  }
  return fields;
}

function mutated(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  const at = fc.nat({ max: Math.max(0, valid.length - 1) });
  const fields = valid.length === 0 ? [] : fieldsOf(valid);
  return fc.oneof(
    fc.constant(valid),
    fc.array(fc.tuple(at, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }).map((flips) => {
      const copy = Uint8Array.from(valid);
      for (const [i, b] of flips) if (i < copy.length) copy[i] = b;
      return copy;
    }),
    at.map((i) => valid.subarray(0, i)),
    fc.tuple(at, fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([i, extra]) => Buffer.concat([valid.subarray(0, i), extra, valid.subarray(i)])),
    // A length (or any varint) inflated past the end of the message.
    at.map((i) => Buffer.concat([valid.subarray(0, i), Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), valid.subarray(i + 1)])),
    fc.tuple(fc.nat({ max: Math.max(0, fields.length - 1) }), fc.integer({ min: 2, max: 20_000 })).map(([f, times]) => {
      const [start, end] = fields[f] ?? [0, valid.length];
      return Buffer.concat([valid, Buffer.alloc((end - start) * times, Buffer.from(valid.subarray(start, end)))]);
    }),
    fc.tuple(fc.integer({ min: 1, max: 15 }), fc.integer({ min: 30, max: 4000 })).map(([field, depth]) => {
      let nested: Uint8Array = valid;
      for (let i = 0; i < depth; i++) nested = bytesField(field, nested);
      return nested;
    }),
    fc.integer({ min: 30, max: 3000 }).map((depth) => bytesField(4, failureChain(depth))),
    fc.uint8Array({ maxLength: 300 }),
  );
}

type Framing = 'framed' | 'flag' | 'gzip-flag' | 'long' | 'short' | 'twice' | 'bare' | 'chunks';

function framed(body: Uint8Array, framing: Framing): Uint8Array[] {
  const whole = frame(body);
  switch (framing) {
    case 'framed': return [whole];
    case 'flag': case 'gzip-flag': return [frame(body, 1)];
    case 'long': whole.writeUInt32BE(body.length + 7, 1); return [whole];
    case 'short': whole.writeUInt32BE(Math.max(0, body.length - 1), 1); return [whole];
    case 'twice': return [whole, whole];
    case 'bare': return [body];
    case 'chunks': {
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < Math.min(64, whole.length); i++) chunks.push(whole.subarray(i, i + 1));
      return [...chunks, whole.subarray(64)];
    }
  }
}

interface FuzzCall {
  path: string;
  body: Uint8Array;
  framing: Framing;
  hub: string | undefined;
  withToken: boolean;
}

/** Counterexamples print as a summary: their bytes come back from the seed and path fast-check prints. */
function summarized(c: FuzzCall): FuzzCall {
  return Object.assign(c, { [fc.toStringMethod]: () => describeCall(c) });
}

function fuzzCalls(valid: Record<string, Uint8Array>): fc.Arbitrary<FuzzCall[]> {
  const framing = fc.oneof(
    { weight: 12, arbitrary: fc.constant<Framing>('framed') },
    { weight: 1, arbitrary: fc.constantFrom<Framing>('flag', 'gzip-flag', 'long', 'short', 'twice', 'bare', 'chunks') },
  );
  const call = fc.constantFrom(...Object.keys(valid)).chain((path) => fc.record({
    path: fc.constant(path),
    body: mutated(valid[path]!),
    framing,
    // The default hub is never deleted, so Hello keeps its hub; other names probe hub resolution.
    hub: path.endsWith('/DeleteTaskHub') ? fc.constantFrom('fuzz-hub', 'no-such-hub', 'a/b', 'x'.repeat(80)) : fc.constantFrom(undefined, 'default', '', 'fuzz-hub', 'no-such-hub', 'a/b'),
    withToken: fc.boolean(),
  }).map(summarized));
  return fc.array(call, { minLength: 1, maxLength: 10 });
}

function assertPrecise(answer: RawAnswer, what: string): void {
  assert.equal(answer.ended, undefined, `${what}: the call ended without a status (${answer.ended})`);
  assert.equal(answer.httpStatus, 200, `${what}: HTTP ${answer.httpStatus}`);
  assert.ok(answer.code !== undefined && answer.code !== 2 && answer.code !== 12, `${what}: status ${answer.code} ${answer.details}`);
  if (answer.code === 13) assert.doesNotMatch(answer.details ?? '', /internal server error/, `${what}: an unexpected error`);
}

function fuzz(name: string, serverArgs: string[], login?: (server: DtsServer) => Promise<{ ca: Buffer; token: string }>): void {
  describe(name, () => {
    let server: DtsServer;
    let access: { ca: Buffer; token: string } | undefined;
    before(async () => {
      server = await DtsServer.start({ extraArgs: serverArgs });
      access = await login?.(server);
    });
    after(async () => server?.dispose());

    it(`answers every mutated request of every RPC with a precise status (seed ${SEED})`, { timeout: 120_000 }, withServerOutput(() => [server], async (t: { diagnostic(message: string): void }) => {
      t.diagnostic(`seed ${SEED}; GRPC_FUZZ_SEED=<n> replays another`);
      const valid = validRequests();
      const hello = frame(new Uint8Array(0));
      await withCause(fc.assert(fc.asyncProperty(fuzzCalls(valid), async (calls) => {
        const raw = RawGrpc.connect(server.grpcAddress, access === undefined ? {} : { ca: access.ca });
        try {
          const answers = await Promise.all(calls.map((c) => raw.call(c.path, framed(c.body, c.framing), { headers: headersOf(c, access?.token) })));
          answers.forEach((answer, i) => assertPrecise(answer, describeCall(calls[i]!)));
          const alive = await raw.call(`${SIDECAR}Hello`, hello, { headers: access === undefined ? {} : { authorization: `Bearer ${access.token}` } });
          assert.equal(alive.code, 0, `Hello after the batch: ${alive.code} ${alive.details ?? alive.ended}`);
        } finally {
          raw.close();
        }
      }), { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, ...(PATH === undefined ? {} : { path: PATH }) }));
    }));
  });
}

/** fast-check's report with the failed assertion itself (node:test prints only the message). */
async function withCause(run: Promise<void>): Promise<void> {
  try {
    await run;
  } catch (error) {
    const cause = (error as Error).cause;
    throw new Error(`${(error as Error).message}\n${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

function headersOf(c: FuzzCall, token: string | undefined): Record<string, string> {
  return {
    'grpc-timeout': DEADLINE,
    ...(c.hub === undefined ? {} : { taskhub: c.hub }),
    ...(c.framing === 'gzip-flag' ? { 'grpc-encoding': 'gzip' } : {}),
    ...(token !== undefined && c.withToken ? { authorization: `Bearer ${token}` } : {}),
  };
}

function describeCall(c: FuzzCall): string {
  const head = Buffer.from(c.body.subarray(0, 48)).toString('hex');
  return `${c.path} (${c.framing}, ${c.body.length} bytes ${head}${c.body.length > 48 ? '...' : ''}, hub ${c.hub ?? '(none)'}, token ${c.withToken})`;
}

/** A user with Durable Task Data Contributor and Contributor at the root, signed in. */
async function loginFuzzer(server: DtsServer): Promise<{ ca: Buffer; token: string }> {
  const access = authRest(server);
  return { ca: access.ca, token: await access.user('fuzzer', ['Durable Task Data Contributor', 'Contributor'], '') };
}

fuzz('fuzzing without --auth', []);
fuzz('fuzzing with --auth', ['--auth'], loginFuzzer);
