/**
 * Compiles a parsed SNS filter policy into the engine's `CompiledRule`, and
 * turns SNS messages (typed message attributes, or a JSON body) into the JSON
 * object the rule is matched against.
 *
 * Internal module: not part of the jsii API.
 */
import { UnresolvedPatternError } from './compile-event-pattern';
import { alternative, Bound, CompiledLeaf, CompiledRule, Condition, ipNetwork, leaf, parseIpAddress, Scalar } from './engine';
import { FilterCondition, NumericComparison, ParsedFilterPolicy, PolicyObjectNode } from './sns-filter-policy';

/**
 * Compiles a parsed policy into `$or`-free alternatives, the way event-ruler
 * (whose policy language SNS shares) expands them: entries are read in order,
 * `$or` copies the alternatives built so far into each branch, and a key given
 * again with the same path (inside and outside an `$or`) replaces the earlier one.
 */
export function compileFilterPolicy(parsed: ParsedFilterPolicy): CompiledRule {
  if (parsed.hasUnresolvedTokens) {
    throw new UnresolvedPatternError('The filter policy');
  }
  const alternatives = walk(parsed.ast, [new Map()]);
  return { alternatives: alternatives.map((fields) => alternative([...fields.values()])) };
}

type Fields = Map<string, CompiledLeaf>;

function walk(node: PolicyObjectNode, alternatives: Fields[]): Fields[] {
  let current = alternatives;
  for (const entry of node.entries) {
    switch (entry.kind) {
      case 'key': {
        const path = entry.path.join('.');
        const compiled = leaf(path, entry.conditions.map(compileCondition));
        current.forEach((fields) => {
          fields.delete(path);
          fields.set(path, compiled);
        });
        break;
      }
      case 'nested':
        current = walk(entry.policy, current);
        break;
      case 'or':
        current = entry.branches.flatMap((branch) => walk(branch, current.map((fields) => new Map(fields))));
        break;
      case 'unresolved':
        throw new UnresolvedPatternError('The filter policy');
    }
  }
  return current;
}

function compileCondition(c: FilterCondition): Condition {
  switch (c.kind) {
    case 'exact':
      if (typeof c.value === 'string') {
        return { kind: 'exact-string', value: c.value };
      }
      return typeof c.value === 'number' ? { kind: 'exact-number', value: c.value } : { kind: 'exact-literal', value: c.value };
    case 'prefix':
      return { kind: 'prefix', value: c.prefix, ignoreCase: false };
    case 'suffix':
      return { kind: 'suffix', value: c.suffix, ignoreCase: false };
    case 'equals-ignore-case':
      return { kind: 'equals-ignore-case', value: c.value };
    case 'anything-but':
      return {
        kind: 'anything-but',
        strings: c.values.filter((v): v is string => typeof v === 'string'),
        numbers: c.values.filter((v): v is number => typeof v === 'number'),
      };
    case 'anything-but-prefix':
      return { kind: 'anything-but-prefix', values: [c.prefix] };
    case 'numeric':
      return { kind: 'numeric', ...bounds(c.comparisons) };
    case 'exists':
      // SNS: "exists": true needs "a non-null and non-empty value" (Developer Guide, Key matching).
      return c.exists ? { kind: 'exists', exists: true, nonEmpty: true } : { kind: 'exists', exists: false };
    case 'cidr': {
      const address = parseIpAddress(c.address);
      if (address === undefined) {
        // The parser accepts some IPv6 forms (an IPv4 tail) that the engine does not read; compare by text then.
        return { kind: 'exact-string', value: c.cidr };
      }
      return { kind: 'cidr', source: c.cidr, block: ipNetwork(address, address.length === 4 && c.ipVersion === 6 ? Math.max(0, c.prefixLength - 96) : c.prefixLength) };
    }
    case 'unresolved':
      throw new UnresolvedPatternError('The filter policy');
  }
}

function bounds(comparisons: readonly NumericComparison[]): { lower?: Bound; upper?: Bound } {
  let lower: Bound | undefined;
  let upper: Bound | undefined;
  for (const { operator, bound } of comparisons) {
    if (operator === '=' || operator === '>' || operator === '>=') {
      lower = { value: bound, inclusive: operator !== '>' };
    }
    if (operator === '=' || operator === '<' || operator === '<=') {
      upper = { value: bound, inclusive: operator !== '<' };
    }
  }
  return { lower, upper };
}

// ---------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------

/**
 * Thrown for a message that SNS would not accept (a Number attribute that is not
 * a number, a String.Array that is not a JSON array, an empty String attribute).
 */
export class InvalidMessageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidMessageError';
  }
}

/** A message attribute, read from the API shapes SNS uses: `{ dataType, stringValue }`, `{ DataType, StringValue }` or `{ Type, Value }`. */
export interface AttributeInput {
  readonly type: string;
  readonly value: unknown;
}

/** Reads an attribute given in any of the shapes SNS uses. */
export function readAttribute(name: string, raw: unknown): AttributeInput {
  if (raw === null || typeof raw !== 'object') {
    throw new InvalidMessageError(`message attribute "${name}" must be an object with a data type and a value, got ${JSON.stringify(raw)}`);
  }
  const r = raw as Record<string, unknown>;
  const type = r.dataType ?? r.DataType ?? r.Type ?? r.type;
  if (typeof type !== 'string') {
    throw new InvalidMessageError(`message attribute "${name}" has no data type (String, Number, String.Array or Binary)`);
  }
  const value = r.stringValue ?? r.StringValue ?? r.Value ?? r.value;
  return { type, value };
}

/**
 * The JSON object an attribute-scope policy is matched against: String
 * attributes are strings (never empty: SNS refuses an empty one), Number
 * attributes numbers, String.Array attributes arrays (their elements may be
 * strings, numbers, booleans or null). Binary attributes are ignored, as SNS
 * ignores them. Custom types (`Number.float`, `String.id`) count as their base type.
 */
export function attributesToJson(attributes: Record<string, unknown> | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(attributes ?? {})) {
    if (raw === undefined) {
      continue;
    }
    const { type, value } = readAttribute(name, raw);
    const base = type.split('.')[0];
    if (type === 'String.Array') {
      result[name] = stringArray(name, value);
    } else if (base === 'Number') {
      result[name] = numberValue(name, value);
    } else if (base === 'String') {
      if (typeof value !== 'string') {
        throw new InvalidMessageError(`message attribute "${name}" of type ${type} needs a string value, got ${JSON.stringify(value)}`);
      }
      if (value === '') {
        throw new InvalidMessageError(
          `message attribute "${name}" of type ${type} must not be empty: SNS refuses the message ("must contain non-empty message attribute value")`,
        );
      }
      result[name] = value;
    } else if (base !== 'Binary') {
      throw new InvalidMessageError(`message attribute "${name}" has the unknown data type "${type}"; SNS knows String, Number, String.Array and Binary`);
    }
  }
  return result;
}

function numberValue(name: string, value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(n)) {
    throw new InvalidMessageError(`message attribute "${name}" of type Number has a value that is not a number: ${JSON.stringify(value)}`);
  }
  return n;
}

function stringArray(name: string, value: unknown): Scalar[] {
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
  }
  if (!Array.isArray(parsed)) {
    throw new InvalidMessageError(`message attribute "${name}" of type String.Array needs a JSON array as its value, such as '["a", "b"]', got ${JSON.stringify(value)}`);
  }
  return parsed as Scalar[];
}

/**
 * The JSON object a body-scope policy is matched against, or undefined when the
 * body is not a JSON object (SNS then delivers nothing to a body-scope policy).
 */
export function bodyToJson(body: unknown): Record<string, unknown> | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
}
