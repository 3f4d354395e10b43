import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { WorkItemMessage } from './work-item.ts';
import { WorkerStreams } from './worker-streams.ts';

const caps = { orchestration: 0, activity: 0, entity: 0 };

function streamWithLog() {
  const sent: string[] = [];
  const streams = new WorkerStreams({ orchestration: 10, activity: 10, entity: 10 });
  const stream = streams.add('hub' as never, caps, (item: WorkItemMessage) => {
    sent.push(item.kind);
    return true;
  });
  return { stream, sent };
}

const activity = { kind: 'activity', completionToken: 't', task: { instanceId: 'i', executionId: 'e', taskId: 1, name: 'A' } } as const;

describe('health pings', () => {
  it('a new stream is not pinged at the first tick: it never opens with a ping', () => {
    const { stream, sent } = streamWithLog();
    stream.pingIfIdle();
    assert.deepEqual(sent, []);
    stream.pingIfIdle();
    assert.deepEqual(sent, ['healthPing'], 'idle for a whole interval: pinged');
    stream.pingIfIdle();
    assert.deepEqual(sent, ['healthPing', 'healthPing'], 'and at every interval it stays idle');
  });

  it('a stream that got work during an interval is not pinged at its end', () => {
    const { stream, sent } = streamWithLog();
    stream.pingIfIdle();
    stream.deliver('t', 'activity', activity);
    stream.pingIfIdle();
    assert.deepEqual(sent, ['activity']);
    stream.pingIfIdle();
    assert.deepEqual(sent, ['activity', 'healthPing']);
  });

  it('a closed or blocked stream is not pinged', () => {
    const { stream, sent } = streamWithLog();
    stream.pingIfIdle();
    stream.blocked = true;
    stream.pingIfIdle();
    stream.blocked = false;
    stream.closed = true;
    stream.pingIfIdle();
    assert.deepEqual(sent, []);
  });
});
