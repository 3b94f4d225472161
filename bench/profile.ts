/**
 * CPU profile of the service under load, summarised by self time.
 *
 *   npm run bench:profile                              POST /payments load (15 s), profile in /tmp/qris-prof
 *   npm run bench:profile -- --scenario get --duration 10 --dir /tmp/p
 *   node -r ts-node/register/transpile-only bench/profile.ts --summarise FILE.cpuprofile [--top 30]
 *
 * The service runs under `node --cpu-prof`; V8 writes the profile when it exits (SIGINT at the end).
 * Self time is aggregated per function (name + file:line) and per module (npm package, node internals,
 * the app's own files, GC/idle/program).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT, argValue } from './lib';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function moduleOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native/v8)';
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = path.slice(nm + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (path.includes('/dist/src/')) return 'app:' + path.slice(path.indexOf('/dist/src/') + 10).split('/')[0];
  return relative(ROOT, path) || path;
}

export function summarise(file: string, top = 25): string {
  const profile: CpuProfile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const idle = [...selfUs].filter(([id]) => byId.get(id)?.callFrame.functionName === '(idle)').reduce((a, [, us]) => a + us, 0);
  const fn = new Map<string, number>();
  const mod = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const m = moduleOf(url, functionName);
    const where = url ? `${m} ${url.split('/').slice(-1)[0]}:${lineNumber + 1}` : m;
    const key = `${functionName || '(anonymous)'}  [${where}]`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    mod.set(m, (mod.get(m) ?? 0) + us);
  }
  const busy = total - idle;
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1).padStart(5)} %`;
  const ms = (us: number) => `${Math.round(us / 1000)} ms`.padStart(9);
  const sorted = (m: Map<string, number>) => [...m].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = [
    `profile ${file}: ${(total / 1e6).toFixed(1)} s sampled, ${(idle / 1e6).toFixed(1)} s idle; percentages are of the ${(busy / 1e6).toFixed(1)} s busy`,
    '',
    'self time by module',
    ...sorted(mod).map(([k, us]) => `${pct(us)} ${ms(us)}  ${k}`),
    '',
    'self time by function',
    ...sorted(fn).map(([k, us]) => `${pct(us)} ${ms(us)}  ${k}`),
  ];
  return lines.join('\n');
}

function newestProfile(dir: string): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!files.length) throw new Error(`no .cpuprofile in ${dir}`);
  return files[0];
}

function main(): void {
  const args = process.argv.slice(2);
  const top = Number(argValue(args, '--top') ?? 25);
  const given = argValue(args, '--summarise');
  if (given) {
    process.stdout.write(`${summarise(given, top)}\n`);
    return;
  }
  const dir = argValue(args, '--dir') ?? '/tmp/qris-prof';
  const scenario = argValue(args, '--scenario') ?? 'create';
  const duration = argValue(args, '--duration') ?? '15';
  mkdirSync(dir, { recursive: true });
  const run = spawnSync(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', join(__dirname, 'run.ts'), '--only', scenario, '--duration', duration, '--warmup', '2', '--cpu-prof', dir, '--no-write', '--no-paired'],
    { cwd: ROOT, stdio: 'inherit', timeout: 10 * 60_000 },
  );
  if (run.status !== 0) throw new Error(`bench/run.ts exited with ${run.status}`);
  process.stdout.write(`\n${summarise(newestProfile(dir), top)}\n`);
}

main();
