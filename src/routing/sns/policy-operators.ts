/**
 * The operators of an SNS filter policy and the checks the parser shares.
 *
 * Internal module: not part of the jsii API.
 */
import { Token } from 'aws-cdk-lib';
import { Condition } from '../model/conditions';
import { PatternError } from '../model/errors';
import { ipNetwork, parseIpAddress, parseIpBytes, splitCidr } from '../model/ip';
import { isPlainObject, printValue } from '../model/json';

const STRING_OPERATORS = ['prefix', 'suffix', 'equals-ignore-case'] as const;
/** The operator names SNS knows. */
export const RESERVED_OPERATORS: readonly string[] = [...STRING_OPERATORS, 'anything-but', 'numeric', 'exists', 'cidr'];
const MAX_SHOWN_CHARS = 80;

/**
 * The error for an invalid filter policy.
 *
 * @param path where the problem is (the prop name for the policy as a whole)
 * @param message the whole message, starting with `path`
 */
export function policyError(propName: string, path: string, message: string): PatternError {
  const problem = message.startsWith(path) ? message.slice(path.length).replace(/^:? /, '') : message;
  return new PatternError(message, { propName, path, problem });
}

/** A short, never-throwing rendering of any value for error messages. */
export function show(value: unknown): string {
  return printValue(value, MAX_SHOWN_CHARS);
}

export function isOperatorObject(value: Record<string, unknown>): boolean {
  return Object.keys(value).some((key) => RESERVED_OPERATORS.includes(key));
}

/**
 * SNS reads `$or` as an OR only when its value is an array of at least two
 * objects none of which uses an operator name as a key; otherwise `$or` is an
 * ordinary property name.
 */
export function isOrExpression(raw: unknown): raw is readonly unknown[] {
  if (!Array.isArray(raw) || Token.isUnresolved(raw) || raw.length < 2) {
    return false;
  }
  return raw.every((branch) => Token.isUnresolved(branch) || (isPlainObject(branch) && !isOperatorObject(branch)));
}

/** An `$or` with a single sub-policy is read by SNS as a property named `$or`, almost surely not what was meant. */
export function checkNotATooShortOr(propName: string, raw: readonly unknown[], location: string): void {
  if (raw.length === 1 && isPlainObject(raw[0]) && !isOperatorObject(raw[0])) {
    throw policyError(propName, location, `${location}: $or needs at least 2 sub-policies, found 1: ${show(raw)}`);
  }
}

export function operatorHint(key: string): string {
  return RESERVED_OPERATORS.includes(key) ? ` (an operator must be wrapped in an object inside an array, e.g. [{"${key}": ...}])` : '';
}

export function requireString(propName: string, argument: unknown, name: string, raw: Record<string, unknown>, location: string): string {
  if (typeof argument !== 'string') {
    throw malformed(propName, location, raw, `${name} must be a string, got ${show(argument)}`);
  }
  return argument;
}

const ANYTHING_BUT_USAGE = 'anything-but takes a value, a list of values, or an object with a prefix';

/** The object form of anything-but: SNS knows only `{"prefix": "..."}`, a non-empty string. */
export function parseAnythingButPattern(
  propName: string, argument: Record<string, unknown>, raw: Record<string, unknown>, location: string,
): Condition {
  const names = Object.keys(argument);
  if (names.length === 1 && names[0] === 'suffix') {
    throw malformed(
      propName,
      location,
      raw,
      `SNS does not support anything-but with a suffix (it answers "Unsupported anything-but pattern: suffix"); ${ANYTHING_BUT_USAGE}`,
    );
  }
  if (names.length !== 1 || names[0] !== 'prefix') {
    throw malformed(propName, location, raw, `${ANYTHING_BUT_USAGE}, got ${show(argument)}`);
  }
  const prefix = requireString(propName, argument.prefix, 'prefix', raw, location);
  if (prefix === '') {
    throw malformed(propName, location, raw, 'the anything-but prefix must not be empty');
  }
  return { kind: 'anything-but-prefix', values: [prefix] };
}

export function malformed(propName: string, location: string, raw: unknown, reason: string): PatternError {
  return policyError(propName, location, `${location}: malformed operator ${show(raw)}: ${reason}`);
}

export function containsToken(value: unknown, seen: Set<object>): boolean {
  if (Token.isUnresolved(value)) {
    return true;
  }
  if (typeof value !== 'object' || value === null || seen.has(value)) {
    return false;
  }
  seen.add(value);
  const children: unknown[] = Array.isArray(value) ? value : isPlainObject(value) ? Object.values(value) : [];
  return children.some((child) => containsToken(child, seen));
}

/**
 * The cidr operator: an IPv4 or IPv6 address (IPv6 may end in an IPv4 address)
 * and a prefix length up to the address width. An IPv4-mapped IPv6 network is
 * matched as the IPv4 network it maps; an address with an IPv4 tail, which the
 * machine does not read, is compared by its text.
 */
export function parseCidr(propName: string, argument: unknown, raw: Record<string, unknown>, location: string): Condition {
  const cidr = requireString(propName, argument, 'cidr', raw, location);
  const parts = splitCidr(cidr);
  if (parts === undefined) {
    throw malformed(propName, location, raw, 'cidr must be an IP address, a "/" and a prefix length, e.g. "10.0.0.0/24"');
  }
  const { address, prefixLength } = parts;
  const bytes = parseIpBytes(address, { ipv4Tail: true });
  if (bytes === undefined) {
    throw malformed(propName, location, raw, `${show(address)} is not an IPv4 or IPv6 address`);
  }
  const ipVersion = bytes.length === 4 ? 4 : 6;
  const maxPrefix = bytes.length * 8;
  if (prefixLength > maxPrefix) {
    throw malformed(propName, location, raw, `prefix length ${prefixLength} exceeds ${maxPrefix} for an IPv${ipVersion} address`);
  }
  const machineAddress = parseIpAddress(address);
  if (machineAddress === undefined) {
    return { kind: 'exact-string', value: cidr };
  }
  const machinePrefix = machineAddress.length === 4 && ipVersion === 6 ? Math.max(0, prefixLength - 96) : prefixLength;
  return { kind: 'cidr', source: cidr, block: ipNetwork(machineAddress, machinePrefix) };
}
