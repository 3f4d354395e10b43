/**
 * The confirmation of destructive commands, as az asks it: on a terminal, "<question> (y/n): "
 * until the answer is yes or no; when standard input is not a terminal (a pipe, a script, CI)
 * there is nobody to ask, so the command is refused and must be given --yes. The question goes to
 * stderr so that stdout keeps only the command's result.
 */
import { createInterface } from 'node:readline';

/** Resolves true to go ahead; false when the answer is no or input ends. */
export type Confirm = (question: string) => Promise<boolean>;

export class NoTtyError extends Error {
  override name = 'NoTtyError';
  constructor() {
    super('Unable to prompt for confirmation as no tty available. Use --yes.');
  }
}

interface Terminal {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
}

export function terminalConfirm({ input, output }: Terminal): Confirm {
  return async (question) => {
    if (input.isTTY !== true) throw new NoTtyError();
    const lines = createInterface({ input, output, terminal: false });
    try {
      const answers = lines[Symbol.asyncIterator]();
      for (;;) {
        output.write(`${question} (y/n): `);
        const next = await answers.next();
        if (next.done === true) return false;
        const answer = String(next.value).trim().toLowerCase();
        if (answer === 'y' || answer === 'yes') return true;
        if (answer === 'n' || answer === 'no') return false;
      }
    } finally {
      lines.close();
    }
  };
}

/** Asks for a secret on the terminal without echoing it; undefined off a terminal. */
export type AskSecret = (question: string) => Promise<string>;

export function terminalSecret({ input, output }: { input: NodeJS.ReadStream; output: NodeJS.WritableStream }): AskSecret | undefined {
  if (input.isTTY !== true) return undefined;
  return (question) => new Promise((resolve, reject) => {
    output.write(question);
    let text = '';
    const finish = () => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      output.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return (finish(), resolve(text));
        if (ch === '\u0003' || ch === '\u0004') return (finish(), reject(new Error('cancelled')));
        text = ch === '\u007f' || ch === '\b' ? text.slice(0, -1) : text + ch;
      }
      return undefined;
    };
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.on('data', onData);
    input.resume();
  });
}
