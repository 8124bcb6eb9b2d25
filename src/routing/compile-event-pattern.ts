/**
 * Compiles a parsed EventBridge event pattern into the engine's `CompiledRule`.
 *
 * Internal module: not part of the jsii API.
 */
import { alternative, CompiledLeaf, CompiledRule, Condition, ipNetwork, leaf, parseIpAddress } from './engine';
import { Matcher, ParsedEventPattern, PatternLeafNode, PatternObjectNode } from './event-pattern';

/** Thrown when a pattern holds deploy-time values, which cannot be evaluated offline. */
export class UnresolvedPatternError extends Error {
  constructor(what: string) {
    super(`${what} holds unresolved CDK tokens (values known only at deployment), so it cannot be evaluated offline; `
      + 'use literal values in the pattern you test');
    this.name = 'UnresolvedPatternError';
  }
}

/**
 * Expands the pattern into `$or`-free alternatives the way event-ruler's
 * JsonRuleCompiler does: keys are read in order; `$or` copies the alternatives
 * built so far into each branch; a field written again with the same dotted
 * path replaces the earlier one. When `$or` is a field name
 * (`orAsFieldName`), it is walked like any other field, as event-ruler's
 * RuleCompiler does, and the pattern is one alternative.
 */
export function compileEventPattern(parsed: ParsedEventPattern): CompiledRule {
  if (parsed.hasUnresolvedTokens) {
    throw new UnresolvedPatternError('The event pattern');
  }
  const orKey = parsed.orAsFieldName ? undefined : '$or';
  const alternatives = walkObject(parsed.root, parsed.json as Record<string, unknown>, undefined, [new Map()], orKey);
  return { alternatives: alternatives.map((fields) => alternative([...fields.values()])) };
}

type Fields = Map<string, CompiledLeaf>;

function walkObject(
  node: PatternObjectNode, raw: Record<string, unknown>, prefix: string | undefined, alternatives: Fields[], orKey: string | undefined,
): Fields[] {
  let current = alternatives;
  for (const key of Object.keys(raw)) {
    if (raw[key] === undefined) {
      continue;
    }
    if (key === orKey) {
      const rawBranches = raw[key] as Record<string, unknown>[];
      const expanded: Fields[] = [];
      node.orBranches.forEach((branch, i) => {
        expanded.push(...walkObject(branch, rawBranches[i], prefix, current.map((fields) => new Map(fields)), orKey));
      });
      current = expanded;
      continue;
    }
    const field = node.fields.find((f) => f.name === key);
    if (field === undefined) {
      continue;
    }
    const path = prefix === undefined ? key : `${prefix}.${key}`;
    if (field.node.kind === 'object') {
      current = walkObject(field.node, raw[key] as Record<string, unknown>, path, current, orKey);
    } else {
      const compiled = leaf(path, compileLeaf(field.node));
      current.forEach((fields) => {
        fields.delete(path);
        fields.set(path, compiled);
      });
    }
  }
  return current;
}

function compileLeaf(node: PatternLeafNode): Condition[] {
  return node.matchers.map(compileMatcher);
}

/** One matcher of the parser as an engine condition. */
export function compileMatcher(m: Matcher): Condition {
  switch (m.kind) {
    case 'exact':
      if (typeof m.value === 'string') {
        // event-ruler matches an exact string that is an IP address as that address (so "10.0.0.1" also matches "::ffff:a00:1").
        const address = parseIpAddress(m.value);
        return address === undefined
          ? { kind: 'exact-string', value: m.value }
          : { kind: 'exact-ip', source: m.value, address: ipNetwork(address, address.length * 8) };
      }
      return typeof m.value === 'number' ? { kind: 'exact-number', value: m.value } : { kind: 'exact-literal', value: m.value };
    case 'prefix':
    case 'suffix':
      return { kind: m.kind, value: m.value, ignoreCase: m.ignoreCase };
    case 'equals-ignore-case':
      return { kind: 'equals-ignore-case', value: m.value };
    case 'wildcard':
      return { kind: 'wildcard', glob: m.pattern };
    case 'numeric':
      return { kind: 'numeric', lower: m.lower, upper: m.upper };
    case 'exists':
      return { kind: 'exists', exists: m.exists };
    case 'cidr':
      return { kind: 'cidr', source: m.block.source, block: ipNetwork(m.block.network, m.block.prefixLength) };
    case 'anything-but':
      return {
        kind: 'anything-but',
        strings: m.values.filter((v): v is string => typeof v === 'string'),
        numbers: m.values.filter((v): v is number => typeof v === 'number'),
      };
    case 'anything-but-prefix':
    case 'anything-but-suffix':
    case 'anything-but-equals-ignore-case':
      return { kind: m.kind, values: m.values };
    case 'anything-but-wildcard':
      return { kind: 'anything-but-wildcard', globs: m.patterns };
    case 'unresolved':
      throw new UnresolvedPatternError('The event pattern');
  }
}
