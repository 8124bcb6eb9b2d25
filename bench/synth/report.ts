/**
 * The benchmark's printed report: its tables, the notes on overheads, and the
 * machine and versions it ran with.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PackFigures, PackOverhead, positiveRatio } from './pack-overhead';
import { PackName, PACKS } from './packs';
import { PatternBench, Variant, VARIANTS } from './patterns';
import { Measurement, REPO_ROOT, StackLimit } from './runs';
import type { ProjectorBenchRow } from '../projector/throughput';

/** Beyond this, a ratio is reported as overhead that needs a feature to explain it. */
export const OVERHEAD_THRESHOLD = 1.1;

/** Which patterns and instance counts a run measured. */
export interface BenchScope {
  readonly patterns: PatternBench[];
  readonly counts: number[];
}

const ratio = (value: number, base: number): string => (base === 0 ? (value === 0 ? '=' : '∞') : `×${(value / base).toFixed(2)}`);
const money = (value: number): string => `$${value.toFixed(2)}`;

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function find(measurements: Measurement[], pattern: string, variant: Variant, count: number): Measurement {
  return measurements.find((m) => m.pattern === pattern && m.variant === variant && m.count === count)!;
}

export function synthTable(measurements: Measurement[], options: BenchScope): string {
  const rows = options.patterns.flatMap((p) => options.counts.map((count) => {
    const [a, b, c] = VARIANTS.map((v) => find(measurements, p.name, v, count));
    return [p.name, String(count),
      `${(b.synthMs / 1000).toFixed(2)} s`, ratio(a.synthMs, b.synthMs), ratio(c.synthMs, b.synthMs),
      `${b.peakMemoryMb.toFixed(0)} MiB`, ratio(a.peakMemoryMb, b.peakMemoryMb), ratio(c.peakMemoryMb, b.peakMemoryMb)];
  }));
  return table(['pattern', 'N', 'synth (b)', '(a)/(b)', '(c)/(b)', 'peak memory (b)', '(a)/(b)', '(c)/(b)'], rows);
}

export function instanceTable(measurements: Measurement[], limits: StackLimit[], options: BenchScope): string {
  const count = Math.max(...options.counts);
  const rows = options.patterns.map((p) => {
    const [a, b, c] = VARIANTS.map((v) => find(measurements, p.name, v, count));
    const per = (m: Measurement, key: 'resources' | 'templateBytes') => m[key] / count;
    const cost = (m: Measurement) => m.monthlyCost.total / count;
    const limit = (v: Variant) => limits.find((l) => l.pattern === p.name && l.variant === v);
    return [p.name,
      per(b, 'resources').toFixed(1), ratio(per(a, 'resources'), per(b, 'resources')), ratio(per(c, 'resources'), per(b, 'resources')),
      `${(per(b, 'templateBytes') / 1024).toFixed(1)} KiB`, ratio(per(a, 'templateBytes'), per(b, 'templateBytes')), ratio(per(c, 'templateBytes'), per(b, 'templateBytes')),
      money(cost(b)), money(cost(a)), money(cost(c)),
      VARIANTS.map((v) => String(limit(v)?.maxInstances ?? '-')).join(' / ')];
  });
  return table(['pattern', 'resources (b)', '(a)/(b)', '(c)/(b)', 'template (b)', '(a)/(b)', '(c)/(b)',
    '$/month (b)', '(a)', '(c)', 'max N (a / b / c)'], rows);
}

/** (a), (b) or (c). */
const variantLabel = (variant: Variant): string => `(${'abc'[VARIANTS.indexOf(variant)]})`;
export const ms = (value: number): string => `${value < 0 ? '−' : ''}${Math.abs(Math.round(value))} ms`;
export const added = (value: number): string => (value < 0 ? ms(value) : `+${ms(value)}`);
const times = (value: number | undefined): string => (value === undefined ? 'n/a' : `×${value < 0.1 ? value.toPrecision(2) : value.toFixed(2)}`);

function findingsCell(figures: PackFigures): string {
  const detail = [figures.errors ? `${figures.errors} errors` : '', figures.warnings ? `${figures.warnings} warnings` : ''].filter((d) => d);
  return `${figures.findings}${detail.length ? ` (${detail.join(', ')})` : ''}${figures.validationFailed ? ', synth failed' : ''}`;
}

/** One row per pattern and version, and the sum over all when there is more than one. */
function packTable(rows: PackOverhead[]): string {
  const [mc, nag] = PACKS;
  const line = (name: string, version: string, base: number, m: Pick<PackFigures, 'addedMs' | 'validateMs'>, n: Pick<PackFigures, 'addedMs' | 'validateMs'>,
    findings: string[]) => [name, version, ms(base), added(m.addedMs), added(n.addedMs), times(positiveRatio(m.addedMs, n.addedMs)),
    ms(m.validateMs), ms(n.validateMs), times(positiveRatio(m.validateMs, n.validateMs)), ...findings];
  const body = rows.map((r) => line(r.pattern, variantLabel(r.variant), r.appSynthMs, r.packs[mc], r.packs[nag],
    [findingsCell(r.packs[mc]), findingsCell(r.packs[nag])]));
  if (rows.length > 1) {
    const sum = (f: (r: PackOverhead) => number) => rows.reduce((total, r) => total + f(r), 0);
    const total = (pack: PackName) => ({ addedMs: sum((r) => r.packs[pack].addedMs), validateMs: sum((r) => r.packs[pack].validateMs) });
    body.push(line('all (sum)', '', sum((r) => r.appSynthMs), total(mc), total(nag),
      [String(sum((r) => r.packs[mc].findings)), String(sum((r) => r.packs[nag].findings))]));
  }
  return table(['pattern', 'version', 'app.synth(), no pack', `+ ${mc}`, `+ ${nag}`, 'ratio', `${mc} validate()`, `${nag} validate()`, 'ratio',
    `${mc} findings`, `${nag} findings`], body);
}

/** The rules that reported findings, per pattern and pack. */
function packFindingNotes(rows: PackOverhead[]): string[] {
  return rows.flatMap((r) => PACKS.filter((pack) => r.packs[pack].findings > 0).map((pack) =>
    `${r.pattern} ${variantLabel(r.variant)} ${pack}: ${Object.entries(r.packs[pack].rules).map(([rule, n]) => `${rule} ×${n}`).join(', ')}`));
}

export function packReport(rows: PackOverhead[], runs: number): string {
  const count = rows[0]?.count;
  const mc = rows[0]?.packs.MessagingChecks;
  const packs = `${PACKS[0]} of lib/ (${mc?.ruleCount ?? '?'} rules), ${PACKS[1]} = AwsSolutionsChecks of cdk-nag ${packageVersion('cdk-nag')}`;
  const notes = packFindingNotes(rows);
  return [
    `Validation packs at N = ${count}: app.synth() without a pack, the time each pack adds to it (medians of ${runs} runs after a warm-up, one process each),`,
    `the time in the pack's own validate(), and the ratio ${PACKS[0]} / ${PACKS[1]} of each; ${packs};`,
    `built-in CloudFormation validation ${builtinValidation() ? 'on' : 'off (CDK_VALIDATION=false)'}:`,
    packTable(rows),
    ...(notes.length ? ['Findings by rule:', ...notes.map((n) => `  - ${n}`)] : ['No pack reported a finding.']),
  ].join('\n');
}

/** Whether aws-cdk-lib's built-in CloudFormation validation runs in the workers. */
export const builtinValidation = (): boolean => process.env.CDK_VALIDATION !== 'false';

export function projectorTable(rows: ProjectorBenchRow[]): string {
  return table(['back end', 'workload', 'entities', 'records', 'records/s', 'reads/record', 'writes/record'], rows.map((r) => [
    r.backEnd, r.workload, String(r.entities), String(r.records),
    r.recordsPerSecond.toFixed(0), r.readsPerRecord.toFixed(3), r.writesPerRecord.toFixed(3),
  ]));
}

/** Every ratio of (a) to (b) above the threshold, for the notes. */
export function overheads(measurements: Measurement[], options: BenchScope): string[] {
  const found: string[] = [];
  for (const p of options.patterns) {
    for (const count of options.counts) {
      const a = find(measurements, p.name, 'library', count);
      const b = find(measurements, p.name, 'aws-cdk-lib', count);
      const checks: Array<[string, number, number]> = [
        ['synth time', a.synthMs, b.synthMs], ['peak memory', a.peakMemoryMb, b.peakMemoryMb],
        ['resources', a.resources, b.resources], ['template bytes', a.templateBytes, b.templateBytes],
        ['monthly cost', a.monthlyCost.total, b.monthlyCost.total],
      ];
      for (const [what, value, base] of checks) {
        if (base > 0 ? value / base > OVERHEAD_THRESHOLD : value > 0) {
          found.push(`${p.name} N=${count}: ${what} ${ratio(value, base)}`);
        }
      }
    }
  }
  return found;
}

export function packageVersion(name: string): string {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

export function machineFigures() {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

export type Machine = ReturnType<typeof machineFigures>;

export const machineLine = (machine: Machine): string =>
  `Benchmark of ${new Date().toISOString().slice(0, 10)} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node.js ${machine.node}`;
