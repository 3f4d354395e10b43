// The one way the dashboard writes a time and a duration. Times are the browser's local time with
// milliseconds and the zone's offset, e.g. "2026-05-04 14:03:22.120 UTC+2" ("UTC" when the offset
// is 0), so two times on any page compare at a glance and a copied time is unambiguous. Pure, so
// node tests import it too.

let parts: Intl.DateTimeFormat | undefined;

export function formatTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  parts ??= new Intl.DateTimeFormat('en-US', {
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    hourCycle: 'h23', timeZoneName: 'shortOffset',
  });
  const p: Record<string, string> = {};
  for (const { type, value: v } of parts.formatToParts(d)) p[type] = v;
  const zone = (p['timeZoneName'] ?? '').replace(/^GMT(\+0)?/, 'UTC');
  const ms = String(d.getMilliseconds()).padStart(3, '0');
  return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']}:${p['second']}.${ms} ${zone}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86_400)}d ${Math.floor((s % 86_400) / 3600)}h`;
}

/** How long an instance has run: from its start (creation, or its scheduled start when later) to completion, else to `now`. */
export function runTimeMs(i: { createdAt: string; scheduledStartAt?: string | null; completedAt?: string | null }, now: number): number {
  const start = Math.max(Date.parse(i.createdAt), i.scheduledStartAt ? Date.parse(i.scheduledStartAt) : 0);
  return Math.max(0, (i.completedAt ? Date.parse(i.completedAt) : now) - start);
}
