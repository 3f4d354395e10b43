/**
 * `dts app run -- <command>`: runs a program with the app's environment (its settings,
 * IDENTITY_ENDPOINT and IDENTITY_HEADER) on top of the caller's, the way the app's host would
 * start it. The program shares the terminal; dts ends with its exit code (128 + the signal number
 * when a signal ended it, as shells report it). SIGTERM and SIGHUP sent to dts are passed on;
 * SIGINT is only kept from ending dts, since Ctrl-C already reaches the whole foreground process
 * group and a second one would make many programs quit without cleaning up. A program that cannot
 * be started is an error of dts (exit code 1).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { UsageError } from './cli-args.ts';

const FORWARDED: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGHUP'];
const ignore = () => {};

export interface CommandLine {
  program: string;
  args: readonly string[];
}

/** The words after `--`; checked before the server is asked for anything. */
export function commandLine(words: readonly string[]): CommandLine {
  const [program, ...args] = words;
  if (program === undefined || program === '') throw new UsageError("give the command to run after --, e.g. 'dts app run -g RG -n APP -- node app.js'");
  return { program, args };
}

export function runWithEnvironment({ program, args }: CommandLine, env: Readonly<Record<string, string | undefined>>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const signal of FORWARDED) process.on(signal, forward);
    process.on('SIGINT', ignore);
    const done = () => {
      for (const signal of FORWARDED) process.off(signal, forward);
      process.off('SIGINT', ignore);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      done();
      const why = error.code === 'ENOENT' ? 'command not found' : error.code === 'EACCES' ? 'permission denied' : error.message;
      reject(new Error(`cannot run '${program}': ${why}`, { cause: error }));
    });
    child.once('exit', (code, signal) => {
      done();
      resolve(code ?? 128 + (signal === null ? 0 : constants.signals[signal]));
    });
  });
}
