/**
 * `orchestrationIdReusePolicy` at StartInstance, driven by a bare client (neither JavaScript SDK
 * sends one): every policy is validated before anything is read or written, a contradictory one
 * is INVALID_ARGUMENT with the Azure service's message and leaves the existing instance as it
 * was, and a valid one replaces exactly the statuses it lists (docs/orchestration-id-reuse-policy.md).
 */
import assert from 'node:assert/strict';
import { Metadata, type ServiceError } from '@grpc/grpc-js';
import { after, before, describe, it } from 'node:test';
import { proto, StringValue, type pb } from '../../src/protocol/proto/load.ts';
import { assertGrpcStatus, GrpcStatus } from '../support/grpc-status.ts';
import { call, rawClient, type RawSidecarClient } from '../support/raw-client.ts';
import { DtsServer } from '../support/server-process.ts';
import { uniqueId } from '../support/wait.ts';

const S = { RUNNING: 0, COMPLETED: 1, FAILED: 3, TERMINATED: 5, PENDING: 6, SUSPENDED: 7 } as const;
const contradiction = "Invalid reusable statuses: cannot exclude 'Terminated' while also allowing reuse of running instances";

let server: DtsServer;
let client: RawSidecarClient;

before(async () => {
  server = await DtsServer.start();
  client = rawClient(server.grpcAddress);
});

after(async () => {
  client?.close();
  await server?.dispose();
});

function start(id: string, replaceable?: readonly number[], input = 'first'): Promise<pb.CreateInstanceResponse> {
  const req = new proto.CreateInstanceRequest().setInstanceid(id).setName('Orch').setInput(new StringValue().setValue(input));
  if (replaceable !== undefined) req.setOrchestrationidreusepolicy(new proto.OrchestrationIdReusePolicy().setReplaceablestatusList([...replaceable] as pb.OrchestrationStatus[]));
  return call(client.startInstance, client, req);
}

function suspend(id: string): Promise<unknown> {
  const fn = (client as unknown as { suspendInstance: (r: pb.SuspendRequest, md: Metadata, cb: (e: ServiceError | null, v: unknown) => void) => void }).suspendInstance;
  return call(fn, client, new proto.SuspendRequest().setInstanceid(id));
}

async function stateOf(id: string): Promise<{ status: number; input: string }> {
  const res = await call(client.getInstance, client, new proto.GetInstanceRequest().setInstanceid(id).setGetinputsandoutputs(true));
  const state = res.getOrchestrationstate();
  assert.ok(state, `${id} exists`);
  return { status: state.getOrchestrationstatus(), input: state.getInput()?.getValue() ?? '' };
}

describe('orchestrationIdReusePolicy', () => {
  it('a policy that makes a running status replaceable without TERMINATED is INVALID_ARGUMENT, and the instance stays', async () => {
    const id = uniqueId('reuse-suspended');
    await start(id);
    await suspend(id);
    assert.deepEqual(await stateOf(id), { status: S.SUSPENDED, input: 'first' });
    for (const running of [[S.SUSPENDED], [S.RUNNING], [S.PENDING], [S.PENDING, S.COMPLETED, S.FAILED]]) {
      const details = await assertGrpcStatus(start(id, running, 'second'), GrpcStatus.INVALID_ARGUMENT, `policy ${running}`);
      assert.equal(details, contradiction);
    }
    assert.deepEqual(await stateOf(id), { status: S.SUSPENDED, input: 'first' }, 'the suspended instance was not replaced');
  });

  it('the policy is checked even when no instance has the id', async () => {
    const details = await assertGrpcStatus(start(uniqueId('reuse-new'), [S.RUNNING]), GrpcStatus.INVALID_ARGUMENT, 'new id');
    assert.equal(details, contradiction);
  });

  it('a running status with TERMINATED replaces the unfinished instance', async () => {
    const id = uniqueId('reuse-replace');
    await start(id);
    await suspend(id);
    await start(id, [S.SUSPENDED, S.TERMINATED], 'second');
    assert.deepEqual(await stateOf(id), { status: S.PENDING, input: 'second' });
  });

  it('a policy of finished statuses only, or none at all, leaves an unfinished instance ALREADY_EXISTS', async () => {
    const id = uniqueId('reuse-finished-only');
    await start(id);
    for (const finished of [[S.COMPLETED, S.FAILED, S.TERMINATED], [S.TERMINATED], []]) {
      await assertGrpcStatus(start(id, finished, 'second'), GrpcStatus.ALREADY_EXISTS, `policy ${finished}`);
    }
    assert.deepEqual(await stateOf(id), { status: S.PENDING, input: 'first' });
  });

  it('an unknown status number is INVALID_ARGUMENT', async () => {
    await assertGrpcStatus(start(uniqueId('reuse-unknown'), [S.TERMINATED, 42]), GrpcStatus.INVALID_ARGUMENT, 'status 42');
  });
});
