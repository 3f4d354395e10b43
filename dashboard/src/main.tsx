// The dashboard app: layout, navigation, sign-in when the server asks for it, what the caller may do on the hub it
// shows (and what to do when it may not read it), and the start page (schedulers and their task hubs).
import { render } from 'preact';
import { NoHubAccess, NoHubsHelp, useHubAccess } from './access.tsx';
import { api, hubPath } from './api.ts';
import { EntitiesView } from './entities.tsx';
import { InstanceView } from './instance.tsx';
import { NewOrchestration, OrchestrationList } from './orchestrations.tsx';
import { Link, useLocation } from './router.tsx';
import { currentSession } from './session.ts';
import { needsSignIn, SignedInUser, SignInForm, useSessionVersion } from './sign-in.tsx';
import { label, Toasts, usePoll } from './ui.tsx';
import { WorkersView } from './workers.tsx';
import './style.css';

interface HubInfo {
  taskHub: string;
  scheduler: string;
  hub: string;
  statusCounts: Record<string, number>;
}

function App() {
  const { path, query } = useLocation();
  const m = /^\/hubs\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?/.exec(path);
  const hub = m ? decodeURIComponent(m[1] as string) : null;
  const section = m?.[2] ?? 'orchestrations';
  const id = m?.[3] ? decodeURIComponent(m[3]) : null;
  const session = useSessionVersion();
  const { write, refused } = useHubAccess(needsSignIn() ? null : hub);
  let view;
  if (needsSignIn()) view = <SignInForm />;
  else if (hub === null) view = <Home />;
  else if (refused !== '') view = <NoHubAccess hub={hub} refused={refused} />;
  else if (section === 'orchestrations' && id !== null) view = <InstanceView hub={hub} id={id} query={query} canWrite={write} />;
  else if (section === 'orchestrations') view = <OrchestrationList hub={hub} query={query} canWrite={write} />;
  else if (section === 'new') view = <NewOrchestration hub={hub} canWrite={write} />;
  else if (section === 'entities') view = <EntitiesView hub={hub} canWrite={write} />;
  else if (section === 'workers') view = <WorkersView hub={hub} />;
  else view = <div class="card">Unknown page</div>;
  return (
    <div class="shell">
      <aside class="side">
        <Link href="/" class="brand"><span class="logo">◆</span> Durable Task<small>Scheduler dashboard</small></Link>
        {hub !== null && (
          <nav>
            <div class="side-hub" title={hub}>{hub}</div>
            <Link href={`${hubPath(hub)}/orchestrations`} class={section === 'orchestrations' ? 'active' : ''}>Orchestrations</Link>
            <Link href={`${hubPath(hub)}/entities`} class={section === 'entities' ? 'active' : ''}>Entities</Link>
            <Link href={`${hubPath(hub)}/workers`} class={section === 'workers' ? 'active' : ''}>Workers &amp; metrics</Link>
            {write && <Link href={`${hubPath(hub)}/new`} class={section === 'new' ? 'active' : ''}>+ New orchestration</Link>}
          </nav>
        )}
        <nav>
          <Link href="/" class={hub === null ? 'active' : ''}>All task hubs</Link>
        </nav>
        <SignedInUser />
      </aside>
      {/* Keyed by the session: a sign-in or sign-out loads every view afresh with the new token. */}
      <main class="content" key={session}>{view}</main>
      <Toasts />
    </div>
  );
}

function Home() {
  const { data, error } = usePoll(() => api<{ taskHubs: HubInfo[] }>(null, 'GET', '/taskhubs'), [], 5000);
  const bySched = new Map<string, HubInfo[]>();
  for (const h of data?.taskHubs ?? []) bySched.set(h.scheduler, [...(bySched.get(h.scheduler) ?? []), h]);
  return (
    <div>
      <h1>Task hubs</h1>
      {error && <div class="error-box">{error}</div>}
      {[...bySched].map(([sched, hubs]) => (
        <section key={sched}>
          <h2 class="sched">Scheduler <code>{sched}</code></h2>
          <div class="grid">
            {hubs.map((h) => {
              const total = Object.values(h.statusCounts).reduce((a, b) => a + b, 0);
              return (
                <Link href={`${hubPath(h.taskHub)}/orchestrations`} class="card hub-card" key={h.taskHub}>
                  <div class="hub-name">{h.hub}</div>
                  <div class="big">{total.toLocaleString()}<small> orchestrations</small></div>
                  <div class="chips">
                    {Object.entries(h.statusCounts).map(([s, n]) => (
                      <span class={`chip s-${s.toLowerCase()}`} key={s}>{label(s)} {n}</span>
                    ))}
                  </div>
                </Link>
              );
            })}
          </div>
        </section>
      ))}
      {data && data.taskHubs.length === 0 && (currentSession() === null ? <div class="card muted">No task hubs yet.</div> : <NoHubsHelp />)}
    </div>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
