import * as fc from 'fast-check';
import { detailLeaf, onlyCondition } from './event-pattern-helpers';
import { ParsedEventPattern, parseEventPattern } from '../../src/routing/eventbridge';
import { PatternError } from '../../src/routing/model';

// ---------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------

describe('properties', () => {
  const RESERVED = ['exactly', 'equals-ignore-case', 'prefix', 'suffix', 'anything-but', 'exists', 'wildcard', 'numeric', 'cidr', 'regex'];
  const fieldName = fc.stringMatching(/^[a-z][a-z0-9-]{0,5}$/).filter((k) => !RESERVED.includes(k) && !k.startsWith('not-') && !k.startsWith('date-'));
  const text = fc.string({ maxLength: 6 });
  const nonEmptyText = fc.string({ minLength: 1, maxLength: 6 });
  const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

  /** Wildcard segments joined by '*', with escapes, never two unescaped '*' in a row. */
  const wildcardSource = fc
    .array(fc.array(fc.oneof(fc.constantFrom('a', 'b', '/', '.'), fc.constant('\\*'), fc.constant('\\\\')), { maxLength: 3 }), { minLength: 1, maxLength: 4 })
    .map((segments) => segments.map((s, i) => (s.length === 0 && i > 0 && i < segments.length - 1 ? 'x' : s.join(''))).join('*'));

  const cidr = fc.oneof(
    fc.tuple(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 31 }))
      .map(([bytes, bits]) => `${bytes.join('.')}/${bits}`),
    fc.tuple(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 0, max: 127 }))
      .map(([groups, bits]) => `${groups.map((g) => g.toString(16)).join(':')}/${bits}`),
  );

  const numeric = fc.oneof(
    fc.tuple(fc.constantFrom('=', '<', '<=', '>', '>='), finite).map(([op, n]) => [op, n]),
    fc.tuple(fc.constantFrom('>', '>='), fc.integer(), fc.constantFrom('<', '<='), fc.integer({ min: 1, max: 1000 }))
      .map(([lo, n, hi, width]) => [lo, n, hi, n + width]),
  );

  const anythingBut = fc.oneof(
    text,
    finite,
    fc.array(text, { minLength: 1, maxLength: 3 }),
    fc.array(finite, { minLength: 1, maxLength: 3 }),
    fc.oneof(nonEmptyText, fc.array(nonEmptyText, { minLength: 1, maxLength: 2 })).map((prefix) => ({ prefix })),
    fc.oneof(nonEmptyText, fc.array(nonEmptyText, { minLength: 1, maxLength: 2 })).map((suffix) => ({ suffix })),
    fc.oneof(text, fc.array(text, { minLength: 1, maxLength: 2 })).map((v) => ({ 'equals-ignore-case': v })),
    fc.oneof(wildcardSource, fc.array(wildcardSource, { minLength: 1, maxLength: 2 })).map((wildcard) => ({ wildcard })),
  );

  const validMatchValue: fc.Arbitrary<unknown> = fc.oneof(
    text, finite, fc.boolean(), fc.constant(null),
    text.map((prefix) => ({ prefix })),
    text.map((suffix) => ({ suffix })),
    text.map((v) => ({ prefix: { 'equals-ignore-case': v } })),
    text.map((v) => ({ suffix: { 'equals-ignore-case': v } })),
    text.map((v) => ({ 'equals-ignore-case': v })),
    wildcardSource.map((wildcard) => ({ wildcard })),
    fc.boolean().map((exists) => ({ exists })),
    cidr.map((c) => ({ cidr: c })),
    numeric.map((n) => ({ numeric: n })),
    anythingBut.map((a) => ({ 'anything-but': a })),
  );

  const validLeaf = fc.array(validMatchValue, { minLength: 1, maxLength: 2 });

  /** A pattern object nested at most `depth` more levels, with an optional $or. */
  const validObject = (depth: number): fc.Arbitrary<Record<string, unknown>> => {
    const value = depth === 0 ? validLeaf : fc.oneof(validLeaf, validObject(depth - 1));
    const fields = fc.dictionary(fieldName, value, { minKeys: 1, maxKeys: 3 });
    if (depth === 0) {
      return fields;
    }
    const or = fc.option(fc.array(validObject(depth - 1), { minLength: 2, maxLength: 3 }), { freq: 3 });
    return fc.tuple(fields, or).map(([f, branches]) => (branches === null ? f : { ...f, $or: branches }));
  };

  const validPattern = fc
    .record({ 'source': validLeaf, 'detail-type': validLeaf, 'replay-name': validLeaf, 'detail': validObject(2) }, { requiredKeys: [] })
    .filter((p) => Object.keys(p).length > 0);

  test('valid patterns always parse', () => {
    fc.assert(
      fc.property(validPattern, (pattern) => {
        // GIVEN a pattern within the size limit
        fc.pre(JSON.stringify(pattern).length <= 4096);
        // WHEN
        let parsed: ParsedEventPattern;
        try {
          parsed = parseEventPattern(pattern, { maxLength: 4096 });
        } catch (e) {
          if (e instanceof PatternError && /rule combinations/.test(e.message)) {
            return;
          }
          throw e;
        }
        // THEN
        expect(parsed.hasUnresolvedTokens).toBe(false);
        expect(parsed.root.entries.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  test('wildcard sources round-trip through their segments', () => {
    fc.assert(
      fc.property(wildcardSource, (source) => {
        // GIVEN / WHEN
        const matcher = onlyCondition(parseEventPattern(detailLeaf({ wildcard: source })));
        // THEN: re-escaping the segments and joining them with '*' gives the source back
        expect(matcher.kind).toBe('wildcard');
        const segments = matcher.kind === 'wildcard' ? matcher.glob.segments : [];
        expect(segments.map((s) => s.replace(/[\\*]/g, (c) => `\\${c}`)).join('*')).toBe(source);
      }),
      { numRuns: 200 },
    );
  });

  // Pattern-like values that are often, but not always, invalid.
  const operatorName = fc.constantFrom('prefix', 'suffix', 'equals-ignore-case', 'wildcard', 'anything-but', 'numeric', 'exists', 'cidr', 'contains', 'exactly', '$or');
  const fuzzyMatchValue: fc.Arbitrary<unknown> = fc.oneof(
    validMatchValue,
    fc.tuple(operatorName, fc.jsonValue({ maxDepth: 2 })).map(([op, v]) => ({ [op]: v })),
    fc.tuple(operatorName, fc.array(fc.oneof(fc.constantFrom('=', '<', '<=', '>', '>=', '!'), finite, fc.string()), { maxLength: 5 }))
      .map(([op, v]) => ({ [op]: v })),
    fc.jsonValue({ maxDepth: 2 }),
    fc.anything({ maxDepth: 1 }),
  );
  const fuzzyObject = fc.letrec<{ object: unknown }>((tie) => ({
    object: fc.oneof(
      { maxDepth: 3 },
      fuzzyMatchValue,
      fc.dictionary(
        fc.oneof(fieldName, fc.constantFrom('$or', 'prefix', 'source', 'detail', ''), fc.string({ maxLength: 4 })),
        fc.oneof(fc.array(fuzzyMatchValue, { maxLength: 3 }), tie('object'), fuzzyMatchValue),
        { maxKeys: 3 },
      ),
      fc.array(tie('object'), { maxLength: 3 }),
    ),
  })).object;
  const anyPattern = fc.oneof(
    validPattern,
    fuzzyObject,
    fc.record({ source: fuzzyObject, detail: fuzzyObject }, { requiredKeys: [] }),
    fc.anything(),
    fc.jsonValue(),
  );

  test('any input either parses or throws PatternError', () => {
    fc.assert(
      fc.property(anyPattern, (pattern) => {
        // GIVEN any value
        try {
          // WHEN it is parsed
          const parsed = parseEventPattern(pattern);
          // THEN it parsed into an object tree
          expect(parsed.root.kind).toBe('object');
        } catch (e) {
          // THEN or it failed with an PatternError and a readable message
          expect(e).toBeInstanceOf(PatternError);
          expect((e as PatternError).message).toMatch(/^Invalid eventPattern at eventPattern/);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
