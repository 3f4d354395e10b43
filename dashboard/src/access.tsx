// What the signed-in caller may do on a hub (GET /v1/taskhubs/access), and what to do when it may do nothing:
// the exact `dts role assignment create` command that grants a data role. With --auth, Owner, Contributor and
// Reader are control-plane roles that read no orchestrations (as in Azure), so the first admin sees no hubs
// until it grants itself one; the dashboard says so instead of showing an empty page.
import { useEffect, useState } from 'preact/hooks';
import { api } from './api.ts';
import { currentSession } from './session.ts';
import { copyText, usePoll } from './ui.tsx';

export const CONTRIBUTOR = 'Durable Task Data Contributor';
export const DEFAULT_SCHEDULER_ID = '/subscriptions/default/resourceGroups/default/providers/Microsoft.DurableTask/schedulers/default';

export interface HubAccess {
  /** The caller may act (start, suspend, terminate, purge, ...); false until known. */
  write: boolean;
  /** The server's refusal when the caller may not even read the hub. */
  refused: string;
}

/** Asked once per hub; while refused, asked again every few seconds, so a grant shows without a reload. */
export function useHubAccess(hub: string | null): HubAccess {
  const [waiting, setWaiting] = useState(false);
  const poll = usePoll(() => (hub === null ? Promise.resolve(null) : api<{ taskHub: string; write: boolean }>(hub, 'GET', '/taskhubs/access')), [hub], waiting ? 4000 : 0);
  const refused = poll.errorStatus === 403 ? poll.error : '';
  useEffect(() => setWaiting(refused !== ''), [refused]);
  // Another hub's answer, still shown while this one's loads, says nothing about this one.
  return { write: poll.data?.taskHub === hub && poll.data.write, refused };
}

/** The ARM id of a data-plane hub name: a plain name is a hub of the default scheduler, else `sub/rg/scheduler/hub`. */
export function hubResourceId(hub: string): string {
  const slash = hub.lastIndexOf('/');
  if (slash < 0) return `${DEFAULT_SCHEDULER_ID}/taskHubs/${hub}`;
  const [sub, rg, scheduler] = hub.slice(0, slash).split('/');
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.DurableTask/schedulers/${scheduler}/taskHubs/${hub.slice(slash + 1)}`;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export function grantCommand(assignee: string, scope: string): string {
  return `dts role assignment create --assignee ${shellWord(assignee)} --role "${CONTRIBUTOR}" --scope ${shellWord(scope)}`;
}

function Command({ text }: { text: string }) {
  return (
    <div class="command">
      <code data-testid="grant-command">{text}</code>
      <button class="btn small" type="button" onClick={() => copyText(text, 'Command')}>Copy</button>
    </div>
  );
}

const user = () => currentSession()?.user ?? '';

/** A hub page the caller may not read: without a sign-in (auth off) only an IP allowlist refuses, and says so itself. */
export function NoHubAccess({ hub, refused }: { hub: string; refused: string }) {
  if (currentSession() === null) return <div class="error-box" data-testid="no-access">{refused}</div>;
  return (
    <div class="card access-help" data-testid="no-access">
      <h1>No access to task hub <code>{hub}</code></h1>
      <p>Your sign-in (<b>{user()}</b>) has no Durable Task data role covering this task hub, so its orchestrations are not shown.
        Reading needs Durable Task Data Reader or {CONTRIBUTOR} on the hub, its scheduler or above. An Owner grants it with:</p>
      <Command text={grantCommand(user(), hubResourceId(hub))} />
      <p class="muted small">This page shows the hub within seconds of the grant. The server said: {refused}</p>
    </div>
  );
}

/** The start page when the caller sees no hub at all. */
export function NoHubsHelp() {
  return (
    <div class="card access-help" data-testid="no-hubs">
      <p>No task hub is shown: your sign-in (<b>{user()}</b>) has no Durable Task data role. Owner, Contributor and Reader
        are control-plane roles and read no orchestrations, as in Azure, so the first-start <code>admin</code> sees no hub either.
        An Owner grants access to the default scheduler's task hubs with:</p>
      <Command text={grantCommand(user(), DEFAULT_SCHEDULER_ID)} />
      <p class="muted small">With <code>--scope /</code> it covers every scheduler's hubs. The hubs appear here within seconds.</p>
    </div>
  );
}
