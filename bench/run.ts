/**
 * The benchmark of cdk-message-patterns: what each pattern costs at synth
 * time, in template size and resources, and in fixed monthly fees, against the
 * same architecture hand-written with aws-cdk-lib L2 constructs and against the
 * closest AWS Solutions Constructs; the largest number of instances of each
 * that fits in one CloudFormation stack; the time the validation pack
 * MessagingChecks adds to the synth, against cdk-nag's AwsSolutionsChecks; and
 * the throughput of the Kinesis projector. Prints tables and writes everything
 * as JSON.
 *
 *   npm run bench [-- --runs=3 --counts=1,10,50 --patterns=QueueWithDlq,... --no-projector --no-emulator --out=bench/results.json]
 *
 * `--only=packs` measures the validation packs only, and writes them into the
 * results file under `packOverhead`, keeping what it holds otherwise:
 *
 *   npx ts-node --transpile-only -P tsconfig.dev.json bench/run.ts --only=packs --runs=3 [--pack-variants=library,aws-cdk-lib]
 *
 * The packs are measured on the library's version (a) of each pattern unless
 * `--pack-variants` names others. aws-cdk-lib's built-in CloudFormation
 * validation runs in every synth, as it does in users' apps; with
 * `CDK_VALIDATION=false` in the environment it does not.
 *
 * (`npm run bench` installs, compiles and bundles first; this file expects
 * lib/ and assets/ to be there.)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runProjectorBench, ProjectorBenchRow } from './projector/throughput';
import { PackName, PackResult, PACKS } from './synth/packs';
import { PATTERNS, PatternBench, PROJECTOR_ASSET, Variant, VARIANTS } from './synth/patterns';
import { fixedMonthlyCost, FixedCost, PRICES, PRICES_READ_ON } from './synth/prices';
import type { WorkerResult } from './synth/worker';

const REPO_ROOT = path.resolve(__dirname, '..');
const WORKER = path.join(__dirname, 'synth', 'worker.ts');
/** CloudFormation's limits for one stack: resources, and template size (S3 upload). */
const MAX_RESOURCES = 500;
const MAX_TEMPLATE_BYTES = 1024 * 1024;
/** Beyond this, a ratio is reported as overhead that needs a feature to explain it. */
const OVERHEAD_THRESHOLD = 1.1;

interface Options {
  readonly runs: number;
  readonly counts: number[];
  readonly patterns: PatternBench[];
  readonly projector: boolean;
  readonly emulator: boolean;
  readonly out: string;
  /** Only the validation packs' overhead, merged into `out`. */
  readonly onlyPacks: boolean;
  /** The versions the packs are measured on. */
  readonly packVariants: Variant[];
}

function parseOptions(argv: string[]): Options {
  const flags = new Map(argv.map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value ?? 'true'] as [string, string];
  }));
  const known = ['runs', 'counts', 'patterns', 'no-projector', 'no-emulator', 'out', 'only', 'pack-variants'];
  for (const key of flags.keys()) {
    if (!known.includes(key)) {
      throw new Error(`unknown option --${key}; options: ${known.map((k) => `--${k}`).join(' ')}`);
    }
  }
  const names = flags.get('patterns')?.split(',');
  const only = flags.get('only');
  if (only !== undefined && only !== 'packs') {
    throw new Error(`--only=${only}: the only part that runs alone is --only=packs`);
  }
  const packVariants = (flags.get('pack-variants') ?? 'library').split(',') as Variant[];
  for (const variant of packVariants) {
    if (!VARIANTS.includes(variant)) {
      throw new Error(`--pack-variants: unknown version ${variant}; one of ${VARIANTS.join(', ')}`);
    }
  }
  return {
    runs: Number(flags.get('runs') ?? 3),
    counts: (flags.get('counts') ?? '1,10,50').split(',').map(Number),
    patterns: names ? PATTERNS.filter((p) => names.includes(p.name)) : PATTERNS,
    projector: !flags.has('no-projector'),
    emulator: !flags.has('no-emulator'),
    out: path.resolve(REPO_ROOT, flags.get('out') ?? 'bench/results.json'),
    onlyPacks: only === 'packs',
    packVariants,
  };
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

// ---------------------------------------------------------------------------
// Synth runs

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-message-patterns-bench-'));
let runSequence = 0;

/**
 * Runs one synth in a fresh process; `unlimited` turns aws-cdk-lib's 500-resource check off; `packs` are the
 * validation packs registered on the app.
 */
function synthOnce(pattern: string, variant: Variant, count: number, unlimited = false, packs: readonly PackName[] = []): WorkerResult {
  const id = `${pattern}-${variant}-${count}-${packs.join('+') || 'nopack'}-${runSequence++}`;
  const outdir = path.join(scratch, id);
  const resultFile = path.join(scratch, `${id}.json`);
  const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', WORKER, pattern, variant, String(count), outdir, resultFile,
    ...(unlimited ? ['unlimited'] : []), ...(packs.length ? [`packs=${packs.join(',')}`] : [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, TS_NODE_PROJECT: path.join(REPO_ROOT, 'tsconfig.dev.json') },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0 || !fs.existsSync(resultFile)) {
    throw new Error(`synth of ${id} failed (exit ${child.status}):\n${child.stderr}`);
  }
  return JSON.parse(fs.readFileSync(resultFile, 'utf8'));
}

interface TemplateFigures {
  readonly resources: number;
  readonly templateBytes: number;
  readonly monthlyCost: FixedCost;
  readonly resourceTypes: Record<string, number>;
}

function templateFigures(templateFile: string): TemplateFigures {
  const text = fs.readFileSync(templateFile, 'utf8');
  const template = JSON.parse(text);
  const resourceTypes: Record<string, number> = {};
  for (const resource of Object.values<any>(template.Resources ?? {})) {
    resourceTypes[resource.Type] = (resourceTypes[resource.Type] ?? 0) + 1;
  }
  return {
    resources: Object.keys(template.Resources ?? {}).length,
    templateBytes: Buffer.byteLength(text),
    monthlyCost: fixedMonthlyCost(template),
    resourceTypes,
  };
}

interface Measurement extends TemplateFigures {
  readonly pattern: string;
  readonly variant: Variant;
  readonly count: number;
  /** Median of the measured runs. */
  readonly synthMs: number;
  readonly appSynthMs: number;
  readonly peakMemoryMb: number;
  readonly synthMsRuns: number[];
  readonly peakMemoryMbRuns: number[];
}

/** Warm-up, then `runs` measured synths of every version, interleaved so that drift hits all alike. */
function measure(pattern: PatternBench, count: number, runs: number): Measurement[] {
  const results = new Map<Variant, WorkerResult[]>(VARIANTS.map((v) => [v, []]));
  for (let run = -1; run < runs; run++) {
    for (const variant of VARIANTS) {
      const result = synthOnce(pattern.name, variant, count, true);
      if (result.error) {
        throw new Error(`${pattern.name} ${variant} ×${count}: ${result.error}`);
      }
      if (run >= 0) {
        results.get(variant)!.push(result);
      }
    }
  }
  return VARIANTS.map((variant) => {
    const measured = results.get(variant)!;
    return {
      pattern: pattern.name,
      variant,
      count,
      synthMs: median(measured.map((r) => r.synthMs)),
      appSynthMs: median(measured.map((r) => r.appSynthMs)),
      peakMemoryMb: median(measured.map((r) => r.peakMemoryMb)),
      synthMsRuns: measured.map((r) => Math.round(r.synthMs)),
      peakMemoryMbRuns: measured.map((r) => Math.round(r.peakMemoryMb)),
      ...templateFigures(measured[measured.length - 1].templateFile!),
    };
  });
}

// ---------------------------------------------------------------------------
// Largest N in one stack

interface StackLimit {
  readonly pattern: string;
  readonly variant: Variant;
  readonly maxInstances: number;
  /** The limit met by one more instance. */
  readonly boundBy: string;
  readonly resourcesAtMax: number;
  readonly templateBytesAtMax: number;
}

function fits(pattern: string, variant: Variant, count: number): { fits: boolean; reason: string; figures?: TemplateFigures } {
  const result = synthOnce(pattern, variant, count);
  if (result.error) {
    // aws-cdk-lib refuses to synthesize a stack over the resource limit.
    if (/resources/i.test(result.error) && /500/.test(result.error)) {
      return { fits: false, reason: `${MAX_RESOURCES} resources` };
    }
    throw new Error(`${pattern} ${variant} ×${count}: ${result.error}`);
  }
  const figures = templateFigures(result.templateFile!);
  if (figures.resources > MAX_RESOURCES) {
    return { fits: false, reason: `${MAX_RESOURCES} resources`, figures };
  }
  if (figures.templateBytes > MAX_TEMPLATE_BYTES) {
    return { fits: false, reason: '1 MiB template', figures };
  }
  return { fits: true, reason: '', figures };
}

/** The largest N that fits, predicted from the linear growth seen at N = 1 and 10, then confirmed by synthesizing N and N + 1. */
function stackLimit(pattern: string, variant: Variant, one: TemplateFigures, ten: TemplateFigures): StackLimit {
  const perResources = (ten.resources - one.resources) / 9;
  const perBytes = (ten.templateBytes - one.templateBytes) / 9;
  let guess = Math.max(1, Math.min(
    Math.floor((MAX_RESOURCES - (one.resources - perResources)) / perResources),
    Math.floor((MAX_TEMPLATE_BYTES - (one.templateBytes - perBytes)) / perBytes),
  ));
  for (let attempt = 0; attempt < 20; attempt++) {
    const atGuess = fits(pattern, variant, guess);
    if (!atGuess.fits) {
      guess--;
      continue;
    }
    const beyond = fits(pattern, variant, guess + 1);
    if (beyond.fits) {
      guess++;
      continue;
    }
    return {
      pattern,
      variant,
      maxInstances: guess,
      boundBy: beyond.reason,
      resourcesAtMax: atGuess.figures!.resources,
      templateBytesAtMax: atGuess.figures!.templateBytes,
    };
  }
  throw new Error(`no stable stack limit found for ${pattern} ${variant} near ${guess}`);
}

// ---------------------------------------------------------------------------
// Validation packs

/** What one pack adds to the synth of one app, and what it reports on it. */
interface PackFigures {
  /** Median `app.synth()` time with the pack registered, and what it adds to the median without. */
  readonly appSynthMs: number;
  readonly addedMs: number;
  /** Median time in the pack's own `validate()`. */
  readonly validateMs: number;
  readonly appSynthMsRuns: number[];
  readonly validateMsRuns: number[];
  /** Findings (violating resources) of the last run: all, errors, warnings, by rule. */
  readonly findings: number;
  readonly errors: number;
  readonly warnings: number;
  readonly rules: Record<string, number>;
  /** The pack's errors made `app.synth()` throw (the time runs to the throw). */
  readonly validationFailed: boolean;
  readonly version?: string;
  readonly ruleCount?: number;
}

interface PackOverhead {
  readonly pattern: string;
  readonly variant: Variant;
  readonly count: number;
  /** Median `app.synth()` time without any pack. */
  readonly appSynthMs: number;
  readonly appSynthMsRuns: number[];
  readonly packs: Record<PackName, PackFigures>;
  /** added(MessagingChecks) / added(AwsSolutions), from the synth times; undefined when either is not above zero. */
  readonly ratio?: number;
  /** The same ratio from the time in `validate()`. */
  readonly validateRatio?: number;
}

/** The configurations measured: no pack, then each pack alone. */
const PACK_SETS: ReadonlyArray<readonly PackName[]> = [[], ...PACKS.map((pack) => [pack])];

/** A synth with `packs`; a synth made to throw by the packs' errors is measured all the same. */
function synthWithPacks(pattern: string, variant: Variant, count: number, packs: readonly PackName[]): WorkerResult {
  const result = synthOnce(pattern, variant, count, true, packs);
  if (result.error) {
    throw new Error(`${pattern} ${variant} ×${count} with ${packs.join(', ') || 'no pack'}: ${result.error}`);
  }
  const crashed = result.packs?.find((p) => p.crashed);
  if (crashed) {
    throw new Error(`${pattern} ${variant} ×${count}: ${crashed.pack}'s validate() threw: ${crashed.crashed}`);
  }
  return result;
}

const positiveRatio = (value: number, base: number): number | undefined => (value > 0 && base > 0 ? value / base : undefined);

/** Warm-up, then `runs` synths without a pack and with each pack, interleaved as in `measure`. */
function measurePacks(pattern: PatternBench, variant: Variant, count: number, runs: number): PackOverhead {
  const results = PACK_SETS.map(() => [] as WorkerResult[]);
  for (let run = -1; run < runs; run++) {
    PACK_SETS.forEach((packs, i) => {
      const result = synthWithPacks(pattern.name, variant, count, packs);
      if (run >= 0) {
        results[i].push(result);
      }
    });
  }
  const [base, ...withPack] = results;
  const baseMs = median(base.map((r) => r.appSynthMs));
  const packs = Object.fromEntries(PACKS.map((pack, i) => [pack, packFigures(pack, withPack[i], baseMs)])) as Record<PackName, PackFigures>;
  return {
    pattern: pattern.name,
    variant,
    count,
    appSynthMs: baseMs,
    appSynthMsRuns: base.map((r) => Math.round(r.appSynthMs)),
    packs,
    ratio: positiveRatio(packs.MessagingChecks.addedMs, packs.AwsSolutions.addedMs),
    validateRatio: positiveRatio(packs.MessagingChecks.validateMs, packs.AwsSolutions.validateMs),
  };
}

function packFigures(pack: PackName, measured: WorkerResult[], baseMs: number): PackFigures {
  const own = (r: WorkerResult): PackResult => r.packs!.find((p) => p.pack === pack)!;
  const last = own(measured[measured.length - 1]);
  const appSynthMs = median(measured.map((r) => r.appSynthMs));
  return {
    appSynthMs,
    addedMs: appSynthMs - baseMs,
    validateMs: median(measured.map((r) => own(r).validateMs)),
    appSynthMsRuns: measured.map((r) => Math.round(r.appSynthMs)),
    validateMsRuns: measured.map((r) => Math.round(own(r).validateMs)),
    findings: last.findings,
    errors: last.errors,
    warnings: last.warnings,
    rules: last.rules,
    validationFailed: measured.some((r) => r.validationFailed === true),
    version: last.version,
    ruleCount: last.ruleCount,
  };
}

function measureAllPacks(options: Options): PackOverhead[] {
  const count = Math.max(...options.counts);
  const rows: PackOverhead[] = [];
  for (const pattern of options.patterns) {
    for (const variant of options.packVariants) {
      log(`${pattern.name} ${variant} ×${count}: ${options.runs} runs without a pack and with each of ${PACKS.join(', ')} after a warm-up`);
      const row = measurePacks(pattern, variant, count, options.runs);
      log(`  ${PACKS.map((p) => `${p} ${added(row.packs[p].addedMs)} (validate() ${ms(row.packs[p].validateMs)}), ${row.packs[p].findings} findings`).join('; ')}`);
      rows.push(row);
    }
  }
  return rows;
}

// ---------------------------------------------------------------------------
// Report

const ratio = (value: number, base: number): string => (base === 0 ? (value === 0 ? '=' : '∞') : `×${(value / base).toFixed(2)}`);
const money = (value: number): string => `$${value.toFixed(2)}`;

function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

function find(measurements: Measurement[], pattern: string, variant: Variant, count: number): Measurement {
  return measurements.find((m) => m.pattern === pattern && m.variant === variant && m.count === count)!;
}

function synthTable(measurements: Measurement[], options: Options): string {
  const rows = options.patterns.flatMap((p) => options.counts.map((count) => {
    const [a, b, c] = VARIANTS.map((v) => find(measurements, p.name, v, count));
    return [p.name, String(count),
      `${(b.synthMs / 1000).toFixed(2)} s`, ratio(a.synthMs, b.synthMs), ratio(c.synthMs, b.synthMs),
      `${b.peakMemoryMb.toFixed(0)} MiB`, ratio(a.peakMemoryMb, b.peakMemoryMb), ratio(c.peakMemoryMb, b.peakMemoryMb)];
  }));
  return table(['pattern', 'N', 'synth (b)', '(a)/(b)', '(c)/(b)', 'peak memory (b)', '(a)/(b)', '(c)/(b)'], rows);
}

function instanceTable(measurements: Measurement[], limits: StackLimit[], options: Options): string {
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
const ms = (value: number): string => `${value < 0 ? '−' : ''}${Math.abs(Math.round(value))} ms`;
const added = (value: number): string => (value < 0 ? ms(value) : `+${ms(value)}`);
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

function packReport(rows: PackOverhead[], runs: number): string {
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
const builtinValidation = (): boolean => process.env.CDK_VALIDATION !== 'false';

function projectorTable(rows: ProjectorBenchRow[]): string {
  return table(['back end', 'workload', 'entities', 'records', 'records/s', 'reads/record', 'writes/record'], rows.map((r) => [
    r.backEnd, r.workload, String(r.entities), String(r.records),
    r.recordsPerSecond.toFixed(0), r.readsPerRecord.toFixed(3), r.writesPerRecord.toFixed(3),
  ]));
}

/** Every ratio of (a) to (b) above the threshold, for the notes. */
function overheads(measurements: Measurement[], options: Options): string[] {
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

function packageVersion(name: string): string {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

function machineFigures() {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
}

type Machine = ReturnType<typeof machineFigures>;

const machineLine = (machine: Machine): string =>
  `Benchmark of ${new Date().toISOString().slice(0, 10)} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node.js ${machine.node}`;

/** The figures of the validation packs, as the results file holds them under `packOverhead`. */
function packOverheadJson(rows: PackOverhead[], options: Options, machine: Machine, started: number) {
  return {
    date: new Date().toISOString(),
    machine,
    versions: { 'aws-cdk-lib': packageVersion('aws-cdk-lib'), 'cdk-nag': packageVersion('cdk-nag') },
    runs: options.runs,
    count: Math.max(...options.counts),
    builtinCloudFormationValidation: builtinValidation(),
    rows,
    durationSeconds: Math.round((Date.now() - started) / 1000),
  };
}

/** `--only=packs`: the packs' table, written into the results file next to what it already holds. */
function runPacksOnly(options: Options, started: number): void {
  const machine = machineFigures();
  const rows = measureAllPacks(options);
  console.log([machineLine(machine), `(a) cdk-message-patterns, (b) hand-written aws-cdk-lib ${packageVersion('aws-cdk-lib')}, (c) AWS Solutions Constructs`, '',
    packReport(rows, options.runs)].join('\n'));
  const previous = fs.existsSync(options.out) ? JSON.parse(fs.readFileSync(options.out, 'utf8')) : {};
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(options.out, `${JSON.stringify({ ...previous, packOverhead: packOverheadJson(rows, options, machine, started) }, undefined, 2)}\n`);
  log(`wrote packOverhead into ${path.relative(REPO_ROOT, options.out)} in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** What the runs need: the compiled library (with MessagingChecks) and the projector bundle. */
function checkBuilt(): void {
  const required = [path.join(REPO_ROOT, 'lib', 'index.js'), path.join(REPO_ROOT, 'lib', 'messaging-checks', 'index.js'), path.join(PROJECTOR_ASSET, 'index.js')];
  for (const file of required) {
    if (!fs.existsSync(file)) {
      throw new Error(`${path.relative(REPO_ROOT, file)} is missing: run \`npx projen compile && npx projen bundle\` first (or \`npm run bench\`)`);
    }
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  checkBuilt();
  const started = Date.now();
  if (options.onlyPacks) {
    runPacksOnly(options, started);
    fs.rmSync(scratch, { recursive: true, force: true });
    return;
  }
  const measurements: Measurement[] = [];
  const limits: StackLimit[] = [];
  for (const pattern of options.patterns) {
    for (const count of options.counts) {
      log(`${pattern.name} ×${count}: ${options.runs} runs of each version after a warm-up`);
      measurements.push(...measure(pattern, count, options.runs));
    }
    for (const variant of VARIANTS) {
      const one = templateFigures(synthOnceTemplate(pattern.name, variant, 1));
      const ten = templateFigures(synthOnceTemplate(pattern.name, variant, 10));
      const limit = stackLimit(pattern.name, variant, one, ten);
      log(`${pattern.name} ${variant}: at most ${limit.maxInstances} in one stack (${limit.boundBy})`);
      limits.push(limit);
    }
  }
  const packRows = measureAllPacks(options);
  let projector: ProjectorBenchRow[] = [];
  if (options.projector) {
    log(`projector throughput${options.emulator ? ' (in-process fake and emulator DynamoDB)' : ' (in-process fake)'}`);
    projector = await runProjectorBench({ emulator: options.emulator, log });
  }

  const machine = machineFigures();
  const versions = {
    'cdk-message-patterns': packageVersion('..'),
    'aws-cdk-lib': packageVersion('aws-cdk-lib'),
    'cdk-nag': packageVersion('cdk-nag'),
    ...Object.fromEntries(['aws-sqs-lambda', 'aws-sns-sqs', 'aws-eventbridge-sqs', 'aws-kinesisstreams-lambda']
      .map((name) => [`@aws-solutions-constructs/${name}`, packageVersion(`solutions-${name}`)])),
  };
  const found = overheads(measurements, options);
  const report = [
    machineLine(machine),
    `(a) cdk-message-patterns, (b) hand-written aws-cdk-lib ${versions['aws-cdk-lib']}, (c) AWS Solutions Constructs; medians of ${options.runs} runs after a warm-up, one process each`,
    '',
    'Synth time (load, build, synth) and peak memory:',
    synthTable(measurements, options),
    '',
    `Per instance (at N = ${Math.max(...options.counts)}), fixed monthly cost at zero traffic (us-east-1 list prices of ${PRICES_READ_ON}), largest N in one stack:`,
    instanceTable(measurements, limits, options),
    '',
    packReport(packRows, options.runs),
    ...(projector.length ? ['', 'Projector throughput:', projectorTable(projector)] : []),
    '',
    found.length ? `(a)/(b) above ×${OVERHEAD_THRESHOLD}:\n${found.map((f) => `  - ${f}`).join('\n')}` : `No (a)/(b) ratio above ×${OVERHEAD_THRESHOLD}.`,
  ].join('\n');
  console.log(report);

  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(options.out, `${JSON.stringify({
    date: new Date().toISOString(),
    machine,
    versions,
    runs: options.runs,
    prices: { readOn: PRICES_READ_ON, ...PRICES },
    limits: { resources: MAX_RESOURCES, templateBytes: MAX_TEMPLATE_BYTES },
    patterns: options.patterns.map((p) => ({ name: p.name, instance: p.instance, solutionsPattern: p.solutionsPattern })),
    measurements,
    stackLimits: limits,
    packOverhead: packOverheadJson(packRows, options, machine, started),
    projector,
    overheads: found,
    durationSeconds: Math.round((Date.now() - started) / 1000),
  }, undefined, 2)}\n`);
  log(`wrote ${path.relative(REPO_ROOT, options.out)} in ${Math.round((Date.now() - started) / 1000)} s`);
  fs.rmSync(scratch, { recursive: true, force: true });
}

/** The template of one synth (not timed). */
function synthOnceTemplate(pattern: string, variant: Variant, count: number): string {
  const result = synthOnce(pattern, variant, count);
  if (result.error) {
    throw new Error(`${pattern} ${variant} ×${count}: ${result.error}`);
  }
  return result.templateFile!;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
