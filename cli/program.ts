/**
 * The command line: `cdk-message-patterns <command> [options]`.
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ClientFactory, Clients, ConnectionOptions } from './aws';
import { peek } from './commands/peek';
import { purge } from './commands/purge';
import { redrive } from './commands/redrive';
import { replay } from './commands/replay';
import { status } from './commands/status';
import { describeError } from './errors';
import { Io } from './io';

/** What a run needs from outside: the AWS clients and the terminal. */
export interface Runtime {
  readonly clients: ClientFactory;
  readonly io: Io;
  readonly version: string;
}

function positiveInteger(name: string, max: number) {
  return (value: string) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from 1 to ${max}, got ${value}`);
    }
    return n;
  };
}

/** What a run left: its exit code, and the clients it made (for error messages). */
interface RunState {
  exitCode: number;
  clients?: Clients;
}

/** The program, with its commands wired to `runtime`. */
function buildProgram(runtime: Runtime, state: RunState): Command {
  const { io } = runtime;
  const connect = (cmd: Command): Clients => {
    state.clients = runtime.clients(cmd.optsWithGlobals<ConnectionOptions>());
    return state.clients;
  };

  const program = new Command('cdk-message-patterns')
    .description('Operate the queues and routes of cdk-message-patterns: see what failed, move it back, replay archived events.')
    .version(runtime.version)
    .option('--region <region>', 'AWS region (default: AWS_REGION or the profile\'s)')
    .option('--profile <profile>', 'shared-config profile (default: AWS_PROFILE or default)')
    .option('--endpoint-url <url>', 'another endpoint, such as a local emulator (default: AWS_ENDPOINT_URL)')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.note(s.trimEnd()) });

  program.command('status')
    .description('each queue of the deployed stacks with its depth, oldest message and dead-letter queue, and the state of the alarms')
    .option('--stack <name>', 'one stack (default: every stack of the account and region)')
    .option('--json', 'print JSON')
    .action(async (options, cmd: Command) => {
      await status(connect(cmd), io, { stack: options.stack, json: Boolean(options.json) });
    });

  program.command('peek')
    .alias('failed')
    .description('show the failed messages of a dead-letter queue (body, attributes, receives, times) without consuming them')
    .argument('<queue>', 'the dead-letter queue: name, URL or ARN')
    .addOption(new Option('--max <n>', 'messages to show, 1 to 1000').default(10).argParser(positiveInteger('--max', 1000)))
    .option('--full', 'show whole bodies')
    .option('--json', 'print JSON')
    .option('--any-queue', 'read a queue that is the failure queue of another service (an SNS or EventBridge dead-letter queue, an on-failure destination)')
    .action(async (queue: string, options, cmd: Command) => {
      await peek(connect(cmd), io, queue, {
        max: options.max,
        full: Boolean(options.full),
        json: Boolean(options.json),
        anyQueue: Boolean(options.anyQueue),
      });
    });

  program.command('redrive')
    .description('move the messages of a dead-letter queue back to their source queue, or to another queue')
    .argument('<queue>', 'the dead-letter queue: name, URL or ARN')
    .option('--to <queue>', 'the destination (default: the queue whose redrive policy names it)')
    .addOption(new Option('--max-per-second <n>', 'the most messages moved a second, 1 to 500').argParser(positiveInteger('--max-per-second', 500)))
    .option('--dry-run', 'say what would be moved, and move nothing')
    .option('--client-side', 'move by receive, send and delete even where SQS offers a message move task')
    .action(async (queue: string, options, cmd: Command) => {
      const result = await redrive(connect(cmd), io, queue, {
        to: options.to,
        maxPerSecond: options.maxPerSecond,
        dryRun: Boolean(options.dryRun),
        clientSide: Boolean(options.clientSide),
        anyQueue: false,
      });
      if (result.failed > 0) {
        state.exitCode = 1;
      }
    });

  program.command('purge')
    .description('delete every message of a dead-letter queue, after a confirmation')
    .argument('<queue>', 'the dead-letter queue: name, URL or ARN')
    .option('-y, --yes', 'do not ask for confirmation')
    .option('--any-queue', 'purge a queue that is the failure queue of another service')
    .action(async (queue: string, options, cmd: Command) => {
      await purge(connect(cmd), io, queue, { yes: Boolean(options.yes), anyQueue: Boolean(options.anyQueue) });
    });

  program.command('replay')
    .description('replay the archived events of an EventBusRoute to its rule, and follow the replay')
    .argument('<route>', 'the archive\'s name, or with --stack the route\'s construct id')
    .requiredOption('--from <time>', 'the first event time: ISO 8601, or a duration ago (30m, 2h, 7d)')
    .option('--to <time>', 'the last event time (default: now)')
    .option('--stack <name>', 'find the route\'s archive and rule in this stack')
    .option('--no-wait', 'start the replay and return')
    .action(async (route: string, options, cmd: Command) => {
      const final = await replay(connect(cmd), io, route, { from: options.from, to: options.to, stack: options.stack, wait: options.wait });
      if (final === 'FAILED' || final === 'CANCELLED') {
        state.exitCode = 1;
      }
    });

  return program;
}

/**
 * Runs the program on `argv` (without the node and script paths) and
 * returns the exit code: 0 on success, 1 on any failure, with a one-line
 * error on stderr and never a stack trace.
 */
export async function run(runtime: Runtime, argv: string[]): Promise<number> {
  const state: RunState = { exitCode: 0 };
  const program = buildProgram(runtime, state);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors were printed by commander.
      return error.exitCode;
    }
    const region = program.opts<ConnectionOptions>().region ?? process.env.AWS_REGION;
    runtime.io.note(`error: ${describeError(error, { region, endpoint: state.clients?.endpoint })}`);
    return 1;
  }
}
