/**
 * The benchmark of cdk-message-patterns: what each pattern costs at synth
 * time, in template size and resources, and in fixed monthly fees, against the
 * same architecture hand-written with aws-cdk-lib L2 constructs and against the
 * closest AWS Solutions Constructs; the largest number of instances of each
 * that fits in one CloudFormation stack; and the throughput of the Kinesis
 * projector. Prints tables and writes everything as JSON.
 *
 *   npm run bench [-- --runs=3 --counts=1,10,50 --patterns=QueueWithDlq,... --no-projector --no-emulator --out=bench/results.json]
 *
 * (`npm run bench` installs, compiles and bundles first; this file expects
 * lib/ and assets/ to be there.)
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runProjectorBench, ProjectorBenchRow } from './projector/throughput';
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
}

function parseOptions(argv: string[]): Options {
  const flags = new Map(argv.map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=');
    return [key, value ?? 'true'] as [string, string];
  }));
  const known = ['runs', 'counts', 'patterns', 'no-projector', 'no-emulator', 'out'];
  for (const key of flags.keys()) {
    if (!known.includes(key)) {
      throw new Error(`unknown option --${key}; options: ${known.map((k) => `--${k}`).join(' ')}`);
    }
  }
  const names = flags.get('patterns')?.split(',');
  return {
    runs: Number(flags.get('runs') ?? 3),
    counts: (flags.get('counts') ?? '1,10,50').split(',').map(Number),
    patterns: names ? PATTERNS.filter((p) => names.includes(p.name)) : PATTERNS,
    projector: !flags.has('no-projector'),
    emulator: !flags.has('no-emulator'),
    out: path.resolve(REPO_ROOT, flags.get('out') ?? 'bench/results.json'),
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

/** Runs one synth in a fresh process; `unlimited` turns aws-cdk-lib's 500-resource check off. */
function synthOnce(pattern: string, variant: Variant, count: number, unlimited = false): WorkerResult {
  const id = `${pattern}-${variant}-${count}-${runSequence++}`;
  const outdir = path.join(scratch, id);
  const resultFile = path.join(scratch, `${id}.json`);
  const child = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', WORKER, pattern, variant, String(count), outdir, resultFile,
    ...(unlimited ? ['unlimited'] : [])], {
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

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  for (const required of [path.join(REPO_ROOT, 'lib', 'index.js'), path.join(PROJECTOR_ASSET, 'index.js')]) {
    if (!fs.existsSync(required)) {
      throw new Error(`${path.relative(REPO_ROOT, required)} is missing: run \`npx projen compile && npx projen bundle\` first (or \`npm run bench\`)`);
    }
  }
  const started = Date.now();
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
  let projector: ProjectorBenchRow[] = [];
  if (options.projector) {
    log(`projector throughput${options.emulator ? ' (in-process fake and emulator DynamoDB)' : ' (in-process fake)'}`);
    projector = await runProjectorBench({ emulator: options.emulator, log });
  }

  const machine = {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
  };
  const versions = {
    'cdk-message-patterns': packageVersion('..'),
    'aws-cdk-lib': packageVersion('aws-cdk-lib'),
    ...Object.fromEntries(['aws-sqs-lambda', 'aws-sns-sqs', 'aws-eventbridge-sqs', 'aws-kinesisstreams-lambda']
      .map((name) => [`@aws-solutions-constructs/${name}`, packageVersion(`solutions-${name}`)])),
  };
  const found = overheads(measurements, options);
  const report = [
    `Benchmark of ${new Date().toISOString().slice(0, 10)} on ${machine.cpu} (${machine.cores} cores, ${machine.memoryGiB} GiB), Node.js ${machine.node}`,
    `(a) cdk-message-patterns, (b) hand-written aws-cdk-lib ${versions['aws-cdk-lib']}, (c) AWS Solutions Constructs; medians of ${options.runs} runs after a warm-up, one process each`,
    '',
    'Synth time (load, build, synth) and peak memory:',
    synthTable(measurements, options),
    '',
    `Per instance (at N = ${Math.max(...options.counts)}), fixed monthly cost at zero traffic (us-east-1 list prices of ${PRICES_READ_ON}), largest N in one stack:`,
    instanceTable(measurements, limits, options),
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
