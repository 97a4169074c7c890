/**
 * `npm run bench`: socketkit's server against a plain Socket.IO baseline.
 *
 *   npm run bench                       full run (≈ 10 min on 2 shared cores)
 *   npm run bench -- --quick            smoke run, small N
 *   npm run bench -- --scenario storm   one scenario (a prefix: `connections` runs all three; `store-postgres$` that one alone)
 *   npm run bench -- --scenario store   the acked-send path (embedded, PostgreSQL) and the connect storm on PostgreSQL, each vs the memory store
 *   npm run bench -- --scenario inbox   conversation:list with 500 conversations; read receipts in the 200-member room
 *   npm run bench -- --rounds 3         A/B rounds per scenario (default 2)
 *   npm run bench -- --profile          V8 CPU profiles of the server children in bench/results/profiles.tmp
 *   npm run bench -- --heap-snapshot    heap snapshots of the servers after connecting (connections-*)
 *   npm run bench -- --no-browser       skip the Chromium rendering benchmark
 *
 * Each scenario runs project, baseline, project, baseline… (fresh server
 * processes each time) so drift of a shared machine hits both alike; the
 * table shows the median of each side and the ratio project/baseline.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { stopWorkers, type ServerKind } from './lib/children.js';
import { max, median, round } from './lib/stats.js';
import type { MetricDef, Scenario } from './scenarios/common.js';
import { connections10k, connections2k, connections5k, members200 } from './scenarios/connections.js';
import { fanoutLight, fanoutSaturate } from './scenarios/fanout.js';
import { rooms } from './scenarios/rooms.js';
import { storm, stormWithoutPresence } from './scenarios/storm.js';
import { stopBenchPostgres, storeEmbedded, storeFloor, storePostgres, storePostgresStorm } from './scenarios/stores.js';
import { inboxList, inboxReceipts, stopInboxPostgres } from './scenarios/inbox.js';
import { runBrowserBench, type BrowserResult } from './browser/run-browser.js';

const scenarios: Scenario[] = [fanoutLight, fanoutSaturate, rooms, connections2k, connections5k, connections10k, members200, storm, stormWithoutPresence, storeEmbedded, storePostgres, storeFloor, storePostgresStorm, inboxList, inboxReceipts];

interface Args {
  quick: boolean;
  only: string[];
  rounds: number;
  profile: boolean;
  snapshot: boolean;
  browser: boolean;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: [], rounds: 0, profile: false, snapshot: false, browser: true, out: '' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--scenario') args.only.push(argv[++i] ?? '');
    else if (a === '--rounds') args.rounds = Math.max(1, Number(argv[++i]));
    else if (a === '--profile') args.profile = true;
    else if (a === '--heap-snapshot') args.snapshot = true;
    else if (a === '--no-browser') args.browser = false;
    else if (a === '--out') args.out = argv[++i] ?? '';
    else if (a === '--help' || a === '-h') {
      console.log('usage: npm run bench -- [--quick] [--scenario NAME]... [--rounds N] [--profile] [--heap-snapshot] [--no-browser] [--out FILE]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  // Quick is a smoke test: one round each unless asked; the full run alternates twice.
  if (args.rounds === 0) args.rounds = args.quick ? 1 : 2;
  return args;
}

/** One metric's outcome in the table and the JSON. */
interface MetricResult {
  key: string;
  label: string;
  unit: string;
  project: number;
  baseline: number;
  ratio: number;
  target?: string;
  status: 'met' | 'missed' | 'ok' | 'FAIL' | 'n/a' | '';
}

interface ScenarioResult {
  name: string;
  title: string;
  rounds: { kind: ServerKind; metrics?: Record<string, number>; error?: string }[];
  metrics: MetricResult[];
  error?: string;
}

function judge(def: MetricDef, project: number, baseline: number): MetricResult {
  const ratio = baseline === 0 ? (project === 0 ? 1 : Number.POSITIVE_INFINITY) : project / baseline;
  let status: MetricResult['status'] = '';
  let target: string | undefined;
  if (Number.isNaN(project) || Number.isNaN(baseline)) {
    status = 'n/a';
  } else if (def.mustBeZero) {
    status = project === 0 && baseline === 0 ? 'ok' : 'FAIL';
  } else if (def.target) {
    const { max, min } = def.target;
    target = max !== undefined ? `≤ ${max}×` : `≥ ${min}×`;
    const met = (max === undefined || ratio <= max) && (min === undefined || ratio >= min);
    status = Number.isNaN(ratio) ? 'missed' : met ? 'met' : 'missed';
  }
  return { key: def.key, label: def.label, unit: def.unit, project, baseline, ratio, ...(target ? { target } : {}), status };
}

async function runScenario(s: Scenario, args: Args): Promise<ScenarioResult> {
  const result: ScenarioResult = { name: s.name, title: s.title, rounds: [], metrics: [] };
  const dir = fileURLToPath(new URL(`./results/profiles.tmp/${s.name}`, import.meta.url));
  const profileDir = args.profile ? dir : undefined;
  const snapshotDir = args.snapshot ? dir : undefined;
  if (snapshotDir) mkdirSync(snapshotDir, { recursive: true });
  console.log(`\n▶ ${s.name}: ${s.title}`);
  for (let r = 0; r < args.rounds; r++) {
    for (const kind of ['project', 'baseline'] as const) {
      const started = Date.now();
      try {
        const metrics = await s.run(kind, { quick: args.quick, ...(profileDir ? { profileDir } : {}), ...(snapshotDir ? { snapshotDir } : {}) });
        result.rounds.push({ kind, metrics });
        const brief = s.metrics
          .filter((m) => !m.mustBeZero)
          .slice(0, 3)
          .map((m) => `${m.key}=${fmt(metrics[m.key] ?? Number.NaN)}`)
          .join(' ');
        console.log(`  round ${r + 1} ${kind.padEnd(8)} ${brief} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
      } catch (err) {
        const message = (err instanceof Error ? err.message : String(err)).split('\n')[0] ?? '';
        result.rounds.push({ kind, error: message });
        console.log(`  round ${r + 1} ${kind.padEnd(8)} ERROR ${message}`);
      }
    }
  }
  const side = (kind: ServerKind, key: string): number =>
    median(result.rounds.filter((x) => x.kind === kind && x.metrics).map((x) => x.metrics?.[key] ?? Number.NaN));
  // Correctness counts are summed over rounds, not medians: one lost message anywhere fails.
  const total = (kind: ServerKind, key: string): number => {
    const ok = result.rounds.filter((x) => x.kind === kind && x.metrics);
    return ok.length === 0 ? Number.NaN : ok.reduce((a, x) => a + (x.metrics?.[key] ?? 0), 0);
  };
  result.metrics = s.metrics.map((def) =>
    def.mustBeZero ? judge(def, total('project', def.key), total('baseline', def.key)) : judge(def, side('project', def.key), side('baseline', def.key)),
  );
  const errors = result.rounds.filter((x) => x.error).map((x) => `${x.kind}: ${x.error}`);
  if (errors.length > 0) result.error = errors.join('; ');
  return result;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? '—' : '∞';
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString('en-US');
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function printTable(results: ScenarioResult[]): string {
  const rows: string[][] = [['scenario', 'metric', 'project', 'baseline', 'ratio', 'target', '']];
  for (const r of results) {
    for (const m of r.metrics) {
      const unit = m.unit ? ` ${m.unit}` : '';
      rows.push([r.name, m.label, fmt(m.project) + unit, fmt(m.baseline) + unit, m.unit ? `${fmt(m.ratio)}×` : '', m.target ?? (m.status === 'ok' || m.status === 'FAIL' ? '= 0' : ''), m.status]);
    }
  }
  const widths = rows[0]?.map((_, c) => max(rows.map((row) => (row[c] ?? '').length))) ?? [];
  const line = (row: string[]): string => `| ${row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join(' | ')} |`;
  const out = [line(rows[0] ?? []), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
  console.log(`\n${out}`);
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const chosen = args.only.length === 0 ? scenarios : scenarios.filter((s) => args.only.some((o) => (o.endsWith('$') ? s.name === o.slice(0, -1) : s.name.startsWith(o))));
  const runBrowser = args.browser && (args.only.length === 0 || args.only.some((o) => 'browser'.startsWith(o)));
  if (chosen.length === 0 && !runBrowser) throw new Error(`no scenario matches ${args.only.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}, browser`);
  const startedAt = new Date();
  console.log(`socketkit bench: ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, ${args.quick ? 'quick' : 'full'}, ${args.rounds} rounds`);
  const results: ScenarioResult[] = [];
  if (chosen.length > 0) {
    // The pooled generator processes start cold; a throwaway run warms their JIT so the first measured side is not penalised.
    console.log('\nwarming up the load generator…');
    await fanoutSaturate.run('baseline', { quick: true }).catch((err: unknown) => console.log(`  warm-up failed: ${String(err)}`));
  }
  for (const s of chosen) results.push(await runScenario(s, args));
  await stopWorkers();
  await stopBenchPostgres();
  await stopInboxPostgres();
  const table = results.length > 0 ? printTable(results) : '';
  let browser: BrowserResult | { error: string } | undefined;
  if (runBrowser) {
    console.log('\n▶ browser: Chromium renders a 10,000-message conversation, then 100 appends at 50/s');
    try {
      browser = await runBrowserBench({ quick: args.quick });
      console.log(JSON.stringify(browser, null, 2));
    } catch (err) {
      browser = { error: err instanceof Error ? err.message : String(err) };
      console.log(`  browser benchmark not run: ${browser.error}`);
    }
  }
  const report = {
    startedAt: startedAt.toISOString(),
    durationS: round((Date.now() - startedAt.getTime()) / 1000, 1),
    mode: args.quick ? 'quick' : 'full',
    rounds: args.rounds,
    machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? '', memGB: round(os.totalmem() / 2 ** 30, 1), node: process.version, platform: `${os.platform()} ${os.release()}` },
    scenarios: results,
    browser,
    table,
  };
  const out = args.out || fileURLToPath(new URL(args.quick ? './results/quick.json.tmp' : './results/latest.json', import.meta.url));
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nresults: ${out} (${report.durationS} s)`);
  const failed = results.some((r) => r.error || r.metrics.some((m) => m.status === 'FAIL'));
  // Missed ratio targets are reported, not fatal (a shared machine is noisy); lost or duplicated deliveries and crashes are.
  process.exit(failed ? 1 : 0);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
