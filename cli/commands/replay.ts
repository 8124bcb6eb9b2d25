/**
 * `replay`: sends the archived events of a route back to its bus, and follows the replay.
 */
import { DescribeArchiveCommand, DescribeReplayCommand, StartReplayCommand } from '@aws-sdk/client-eventbridge';
import { Clients } from '../aws';
import { CliError } from '../errors';
import { Io } from '../io';
import { stackResources } from '../stack';

export interface ReplayOptions {
  readonly from: string;
  readonly to?: string;
  /** `--stack`: find the route's archive and rule among the stack's resources. */
  readonly stack?: string;
  /** Whether to follow the replay until it ends. */
  readonly wait: boolean;
}

const TERMINAL = new Set(['COMPLETED', 'CANCELLED', 'FAILED']);

/** @returns the replay's final state (or its state when not waiting) */
export async function replay(clients: Clients, io: Io, route: string, options: ReplayOptions): Promise<string> {
  const now = io.now();
  const from = parseTime('--from', options.from, now);
  const to = options.to === undefined ? now : parseTime('--to', options.to, now);
  if (from.getTime() >= to.getTime()) {
    throw new CliError(`--from (${from.toISOString()}) must be before --to (${to.toISOString()})`);
  }
  if (to.getTime() > now.getTime()) {
    throw new CliError(`--to (${to.toISOString()}) is in the future: EventBridge replays events already archived`);
  }
  const { archiveName, ruleIds } = options.stack ? await routeInStack(clients, options.stack, route) : { archiveName: route, ruleIds: [] };
  const archive = await clients.eventbridge.send(new DescribeArchiveCommand({ ArchiveName: archiveName })).catch((error) => {
    if ((error as { name?: string }).name === 'ResourceNotFoundException') {
      throw new CliError(`no archive named ${archiveName}: give the archive's name, or the route's construct id with --stack`);
    }
    throw error;
  });
  const ruleArns = ruleIds.map((id) => ruleArn(archive.EventSourceArn!, id));
  const replayName = uniqueReplayName(archiveName, now);
  const { State } = await clients.eventbridge.send(new StartReplayCommand({
    ReplayName: replayName,
    EventSourceArn: archive.ArchiveArn,
    EventStartTime: from,
    EventEndTime: to,
    Destination: { Arn: archive.EventSourceArn, FilterArns: ruleArns.length > 0 ? ruleArns : undefined },
  }));
  const target = ruleArns.length > 0 ? `the rule${ruleArns.length === 1 ? '' : 's'} of ${route}` : 'every rule of the bus';
  io.out(`replay ${replayName}: events of ${archiveName} from ${from.toISOString()} to ${to.toISOString()}, to ${target}; ${State?.toLowerCase()}`);
  if (!options.wait) {
    return State ?? 'STARTING';
  }
  let last = State;
  for (;;) {
    const r = await clients.eventbridge.send(new DescribeReplayCommand({ ReplayName: replayName }));
    if (r.State !== last) {
      const at = r.EventLastReplayedTime ? `, events up to ${r.EventLastReplayedTime.toISOString()} replayed` : '';
      io.note(`replay ${replayName}: ${r.State?.toLowerCase()}${at}`);
      last = r.State;
    }
    if (TERMINAL.has(r.State ?? '')) {
      io.out(`replay ${replayName} ${r.State?.toLowerCase()}${r.StateReason ? `: ${r.StateReason}` : ''}`);
      return r.State!;
    }
    await io.sleep(2000);
  }
}

/**
 * A replay name of its own for each run: the archive's name, the time and a
 * random suffix, within EventBridge's 64 characters of `[.-_A-Za-z0-9]`
 * (StartReplay, ReplayName; a name already used is refused).
 */
export function uniqueReplayName(archiveName: string, now: Date): string {
  const suffix = `-${now.toISOString().replace(/[^0-9]/g, '').slice(0, 14)}-${Math.random().toString(36).slice(2, 6)}`;
  return `${archiveName.replace(/[^.\-_A-Za-z0-9]/g, '').slice(0, 64 - suffix.length)}${suffix}`;
}

/**
 * A time as ISO 8601 (`2026-12-01T10:00:00Z`), `now`, or a duration before
 * now (`30m`, `2h`, `7d`).
 */
export function parseTime(option: string, text: string, now: Date): Date {
  const trimmed = text.trim();
  if (trimmed === 'now') {
    return now;
  }
  const ago = /^(\d+)\s*(s|m|h|d)$/.exec(trimmed);
  if (ago) {
    const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[ago[2] as 's' | 'm' | 'h' | 'd'];
    return new Date(now.getTime() - Number(ago[1]) * unit);
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed) && !Number.isNaN(Date.parse(trimmed))) {
    return new Date(Date.parse(trimmed));
  }
  throw new CliError(`${option} ${text} is not a time: give ISO 8601 (2026-12-01T10:00:00Z), now, or a duration ago (30m, 2h, 7d)`);
}

/**
 * The archive and rule of a route of a deployed stack, found by construct
 * path: the route's id (`Shipping`) or its path below the stack.
 */
async function routeInStack(clients: Clients, stack: string, route: string): Promise<{ archiveName: string; ruleIds: string[] }> {
  const resources = await stackResources(clients, stack);
  const under = (path: string) => path === route || path.startsWith(`${route}/`) || path.includes(`/${route}/`) || path.endsWith(`/${route}`);
  const archives = resources.filter((r) => r.type === 'AWS::Events::Archive' && under(r.path));
  if (archives.length !== 1) {
    const all = resources.filter((r) => r.type === 'AWS::Events::Archive').map((r) => r.path);
    throw new CliError(archives.length === 0
      ? `no archive under ${route} in stack ${stack}${all.length > 0 ? ` (archives: ${all.join(', ')})` : ''}: give the route's construct id, or the archive's name without --stack`
      : `${archives.length} archives under ${route} in stack ${stack} (${archives.map((a) => a.path).join(', ')}): give a longer path`);
  }
  // An EventBusRoute holds its archive as `Archive` and its rule as its main child (`Resource`, dropped from paths).
  const routePath = archives[0].path.replace(/\/Archive(\/Archive)?$/, '');
  const rules = resources.filter((r) => r.type === 'AWS::Events::Rule' && r.path === routePath);
  if (rules.length === 0) {
    throw new CliError(`no rule of the route ${routePath} in stack ${stack}: replaying to every rule of the bus would deliver the events ` +
      'to other routes again; replay by the archive\'s name without --stack to do that');
  }
  return { archiveName: archives[0].physicalId, ruleIds: rules.map((r) => r.physicalId) };
}

/**
 * The ARN of a rule of the bus, from its physical id: CloudFormation's id of
 * a rule on a custom bus is `bus|rule`, on the default bus the rule's name
 * (cloudformation-coverage-roadmap issue 1131); rule ARNs name a custom bus
 * before the rule (`rule/bus/rule`).
 */
export function ruleArn(busArn: string, physicalId: string): string {
  if (physicalId.startsWith('arn:')) {
    return physicalId;
  }
  const [prefix, busPart] = busArn.split(':event-bus/');
  const [bus, rule] = physicalId.includes('|') ? physicalId.split('|') : [busPart, physicalId];
  return bus === 'default' ? `${prefix}:rule/${rule}` : `${prefix}:rule/${bus}/${rule}`;
}
