import { ParsedEventPattern, ParseEventPatternOptions, parseEventPattern } from '../../src/routing/eventbridge';
import { ParsedCondition, PatternError, RuleKey, RuleObject } from '../../src/routing/model';

/** Parses and returns the error thrown, failing the test if none (or another type) is thrown. */
export function parseError(pattern: unknown, options?: ParseEventPatternOptions): PatternError {
  let thrown: unknown;
  try {
    parseEventPattern(pattern, options);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(PatternError);
  return thrown as PatternError;
}

/** A pattern with a single leaf under `detail.field`. */
export function detailLeaf(...values: unknown[]): Record<string, unknown> {
  return { detail: { field: values } };
}

/** The single condition of `detail.field`. */
export function onlyCondition(parsed: ParsedEventPattern): ParsedCondition {
  const field = leafAt(parsed, 'detail', 'field');
  expect(field.conditions).toHaveLength(1);
  return field.conditions[0];
}

/** The names of an object's keys and nested objects, in pattern order (`$or` branches left out). */
export function fieldNames(node: RuleObject): string[] {
  return node.entries.flatMap((e) => (e.kind === 'key' || e.kind === 'nested' ? [e.key] : []));
}

/** The branches of an object's `$or` (none without one). */
export function orBranches(node: RuleObject): readonly RuleObject[] {
  return node.entries.flatMap((e) => (e.kind === 'or' ? e.branches : []));
}

/** The object nested under `name`. */
export function nestedAt(node: RuleObject, name: string): RuleObject {
  const entry = node.entries.find((e) => e.kind === 'nested' && e.key === name);
  if (entry?.kind !== 'nested') {
    throw new Error(`no nested object ${name}`);
  }
  return entry.object;
}

export function leafAt(parsed: ParsedEventPattern, ...path: string[]): RuleKey {
  let node: RuleObject = parsed.root;
  for (const name of path.slice(0, -1)) {
    node = nestedAt(node, name);
  }
  const entry = node.entries.find((e) => e.kind === 'key' && e.key === path[path.length - 1]);
  if (entry?.kind !== 'key') {
    throw new Error(`no key ${path.join('.')}`);
  }
  return entry;
}
