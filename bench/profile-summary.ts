/**
 * Summarizes a V8 .cpuprofile (e.g. from `npm run bench -- --only W1 --cpu-prof`): the top
 * functions by self time, self time by category (server source folder, npm package, Node
 * internals, GC, idle), and inclusive time ("anywhere on the stack") by category and by server
 * source file, which shows e.g. how much time is spent under SQLite calls or protobuf encoding.
 * Idle samples are left out of every table. Native calls (e.g. better-sqlite3's Statement.run,
 * which includes SQLite's own work and fsync) usually count as self time of the JS caller.
 *
 * Usage: node --import tsx bench/profile-summary.ts <file.cpuprofile | directory> [--top 25]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const args = process.argv.slice(2);
const topIndex = args.indexOf('--top');
const target = args.find((a, i) => !a.startsWith('--') && !(topIndex >= 0 && i === topIndex + 1));
const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 25;
if (target === undefined) {
  console.error('usage: profile-summary <file.cpuprofile | directory> [--top N]');
  process.exit(2);
}
const files = statSync(target).isDirectory()
  ? readdirSync(target).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(target, f))
  : [target];
for (const file of files) summarize(file);

function summarize(file: string): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const self = new Map<string, number>();
  const selfCategory = new Map<string, number>();
  const inclusiveCategory = new Map<string, number>();
  const inclusiveFile = new Map<string, number>();
  let total = 0;
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000; // µs -> ms
    total += dt;
    const leaf = byId.get(id)!;
    const leafCategory = categoryOf(leaf.callFrame);
    if (leafCategory === '(idle)') return;
    busy += dt;
    add(self, keyOf(leaf.callFrame), dt);
    add(selfCategory, leafCategory, dt);
    const categories = new Set<string>();
    const sourceFiles = new Set<string>();
    for (let nodeId: number | undefined = id; nodeId !== undefined; nodeId = parent.get(nodeId)) {
      const frame = byId.get(nodeId)!.callFrame;
      categories.add(categoryOf(frame));
      const src = serverFile(frame.url);
      if (src) sourceFiles.add(src);
    }
    for (const c of categories) add(inclusiveCategory, c, dt);
    for (const f of sourceFiles) add(inclusiveFile, f, dt);
  });

  console.log(`\n## ${file}`);
  const span = (profile.endTime - profile.startTime) / 1000;
  console.log(`profile ${ms(span)} ms, sampled ${ms(total)} ms, busy (not idle) ${ms(busy)} ms; percentages are of busy time\n`);
  table(`Top ${top} functions by self time`, self, busy, top);
  table('Self time by category', selfCategory, busy, 30);
  inclusiveCategory.delete('(root)');
  table('Inclusive time by category (on the stack anywhere; overlaps)', inclusiveCategory, busy, 30);
  table('Inclusive time by server source file', inclusiveFile, busy, 25);
}

function add(map: Map<string, number>, key: string, value: number): void {
  map.set(key, (map.get(key) ?? 0) + value);
}

function table(title: string, map: Map<string, number>, busy: number, limit: number): void {
  console.log(`### ${title}\n\n| ms | % of busy | what |\n| ---: | ---: | --- |`);
  const sorted = [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, limit);
  for (const [key, value] of sorted) console.log(`| ${ms(value)} | ${((value / busy) * 100).toFixed(1)} | ${key} |`);
  console.log('');
}

function keyOf(frame: CallFrame): string {
  const name = frame.functionName || '(anonymous)';
  return frame.url ? `${name} — ${shortUrl(frame.url)}:${frame.lineNumber + 1}` : name;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const dist = url.indexOf('/dist/');
  if (dist >= 0) return url.slice(dist + 1);
  return url;
}

function serverFile(url: string): string | undefined {
  const i = url.indexOf('/dist/src/');
  return i >= 0 ? url.slice(i + '/dist/'.length).replace(/\.js$/, '.ts') : undefined;
}

function categoryOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === '(idle)' || functionName === '(program)' || functionName === '(garbage collector)') return functionName;
    if (functionName === '(root)') return '(root)';
    return '(native / addon, e.g. SQLite)';
  }
  const src = serverFile(url);
  if (src) return `server ${src.split('/').slice(0, 2).join('/')}`;
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  return url;
}

function ms(value: number): string {
  return value.toFixed(0);
}
