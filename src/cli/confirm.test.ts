import assert from 'node:assert/strict';
import { it } from 'node:test';
import { PassThrough } from 'node:stream';
import { NoTtyError, terminalConfirm } from './confirm.ts';

function terminal(answers: string, isTTY: boolean) {
  const input = Object.assign(new PassThrough(), { isTTY });
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => (shown += chunk.toString()));
  input.end(answers);
  return { confirm: terminalConfirm({ input, output }), shown: () => shown };
}

it('asks on a terminal until the answer is yes or no', async () => {
  const yes = terminal('maybe\nY\n', true);
  assert.equal(await yes.confirm('Delete it?'), true);
  assert.equal(yes.shown(), 'Delete it? (y/n): Delete it? (y/n): ');
  assert.equal(await terminal('no\n', true).confirm('Delete it?'), false);
  assert.equal(await terminal('', true).confirm('Delete it?'), false, 'end of input is a no');
});

it('refuses without a terminal: the command needs --yes', async () => {
  const piped = terminal('y\n', false);
  await assert.rejects(piped.confirm('Delete it?'), NoTtyError);
  assert.equal(piped.shown(), '', 'nothing is asked');
});
