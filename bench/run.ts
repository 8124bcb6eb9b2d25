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
 *
 * This file reads the options and runs the parts in order; the synth runs and
 * stack limits are in synth/runs.ts, the packs' overhead in
 * synth/pack-overhead.ts, the tables in synth/report.ts, the projector's
 * throughput in projector/throughput.ts.
 */
import * as fs from 'fs';
import * as path from 'path';
import { runProjectorBench, ProjectorBenchRow } from './projector/throughput';
import { measurePacks, PackOverhead } from './synth/pack-overhead';
import { PACKS } from './synth/packs';
import { PATTERNS, PROJECTOR_ASSET, Variant, VARIANTS } from './synth/patterns';
import { PRICES, PRICES_READ_ON } from './synth/prices';
import {
  added, BenchScope, builtinValidation, instanceTable, Machine, machineFigures, machineLine, ms, OVERHEAD_THRESHOLD, overheads,
  packageVersion, packReport, projectorTable, synthTable,
} from './synth/report';
import {
  MAX_RESOURCES, MAX_TEMPLATE_BYTES, measure, Measurement, removeScratch, REPO_ROOT, StackLimit, stackLimit, synthOnceTemplate, templateFigures,
} from './synth/runs';

interface Options extends BenchScope {
  readonly runs: number;
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
    removeScratch();
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
  removeScratch();
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
