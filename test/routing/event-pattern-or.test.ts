import { fieldNames, leafAt, nestedAt, orBranches, parseError } from './event-pattern-helpers';
import { parseEventPattern } from '../../src/routing/eventbridge';
import { ParsedCondition } from '../../src/routing/model';

// ---------------------------------------------------------------------------
// $or
// ---------------------------------------------------------------------------

describe('$or', () => {
  test('a top-level $or becomes branches of the root', () => {
    // GIVEN
    const pattern = {
      source: ['aws.cloudwatch'],
      $or: [{ 'detail-type': ['A'] }, { detail: { metricName: ['CPUUtilization'] } }],
    };
    // WHEN
    const parsed = parseEventPattern(pattern);
    // THEN
    expect(fieldNames(parsed.root)).toEqual(['source']);
    expect(orBranches(parsed.root)).toHaveLength(2);
    expect(orBranches(parsed.root)[0].path).toEqual([]);
    expect(fieldNames(orBranches(parsed.root)[1])[0]).toBe('detail');
    expect(parsed.complexity.orCombinations).toBe(2);
  });

  test('$or is allowed in nested objects and inside branches', () => {
    // GIVEN
    const pattern = {
      detail: {
        $or: [
          { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
          { metricType: ['MetricType'], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
          { 'x-limit': [{ numeric: ['=', 3.018e2] }] },
        ],
      },
    };
    // WHEN
    const parsed = parseEventPattern(pattern);
    // THEN
    const detail = nestedAt(parsed.root, 'detail');
    expect(orBranches(detail)).toHaveLength(3);
    expect(orBranches(detail)[1].path).toEqual(['detail']);
    expect(orBranches(detail)[1].entries[0]).toMatchObject({ kind: 'key', path: ['detail', 'metricType'] });
    expect(orBranches(orBranches(detail)[1])).toHaveLength(2);
    expect(parsed.complexity.orCombinations).toBe(4);
  });

  // event-ruler reads "$or" as the OR keyword only when the whole pattern compiles that way: its value an array of at least
  // two objects, no reserved keyword as a field name inside them (aws/event-ruler README, "The "$or" Primitive";
  // JsonRuleCompiler.parseIntoOrRelationship and parseObjectInsideOrRelationship). Otherwise GenericMachine.addRule catches
  // the JsonParseException and compiles the pattern again with RuleCompiler, where "$or" is an ordinary field name; the
  // pattern is rejected only when that fails too. Verdicts of event-ruler 2.1.0 through test/differential/event-ruler.
  test.each([
    ['a single branch', [{ a: ['x'] }], 'eventPattern.detail.$or', /at least two sub-patterns.*not valid either.*eventPattern\.detail\.\$or\[0\]/],
    ['no branch', [], 'eventPattern.detail.$or', /at least two sub-patterns.*not valid either.*empty arrays are not allowed/],
    ['an empty object', {}, 'eventPattern.detail.$or', /at least two sub-patterns.*not valid either.*empty objects are not allowed/],
    ['a bare string', 'x', 'eventPattern.detail.$or', /at least two sub-patterns.*not valid either.*bare value/],
    ['an empty branch', [{ a: ['x'] }, {}], 'eventPattern.detail.$or[1]', /must not be empty/],
    ['a bad branch', [{ a: ['x'] }, { b: 'y' }], 'eventPattern.detail.$or[1].b', /bare value/],
    ['a reserved field name', [{ a: ['x'] }, { numeric: ['y'] }], 'eventPattern.detail.$or[1].numeric', /reserved keyword/],
    ['a nested reserved field name', [{ a: ['x'] }, { b: { prefix: ['y'] } }], 'eventPattern.detail.$or[1].b.prefix', /reserved keyword/],
  ])('%s is rejected, as an OR and as a field', (_label, or, path, problem) => {
    // GIVEN / WHEN
    const error = parseError({ detail: { $or: or } });
    // THEN
    expect(error.path).toBe(path);
    expect(error.message).toMatch(problem);
  });

  test('a $or whose value is an object is an ordinary field name', () => {
    // GIVEN: the example of event-ruler's README, "The backward compatibility of using "$or" as field name in the rule"
    const pattern = { source: ['aws.cloudwatch'], $or: { metricType: ['MetricType'], namespace: ['AWS/EC2', 'AWS/ES'] } };
    // WHEN
    const parsed = parseEventPattern(pattern);
    // THEN
    expect(parsed.orAsFieldName).toBe(true);
    expect(orBranches(parsed.root)).toEqual([]);
    expect(leafAt(parsed, '$or', 'namespace').path).toEqual(['$or', 'namespace']);
    expect(parsed.complexity.orCombinations).toBe(1);
  });

  test.each<[string, unknown[], ParsedCondition[]]>([
    // The first two come from aws/event-ruler src/test/data/normalRulesWithOrWording.json, which
    // src/test/software/amazon/event/ruler/JsonRuleCompilerTest.java (testOrFieldCanKeepWorkingInLegacyRuleCompiler)
    // compiles with "$or" as a field name; the third fails JsonRuleCompiler ("Only JSON object is allowed in array of $or").
    ['a cidr', [{ cidr: '10.0.0.0/24' }], [{ kind: 'cidr', source: '10.0.0.0/24', block: { network: [10, 0, 0, 0], prefixLength: 24 } }]],
    ['two operators named like reserved keywords', [{ numeric: ['>', 0, '<=', 5] }, { numeric: ['>', 10] }], [
      { kind: 'numeric', lower: { value: 0, inclusive: false }, upper: { value: 5, inclusive: true } },
      { kind: 'numeric', lower: { value: 10, inclusive: false } },
    ]],
    ['plain strings', ['x', 'y'], [{ kind: 'exact-string', value: 'x' }, { kind: 'exact-string', value: 'y' }]],
  ])('a $or holding an array of match values (%s) is an ordinary field', (_label, values, matchers) => {
    // GIVEN / WHEN
    const parsed = parseEventPattern({ detail: { $or: values } });
    // THEN
    expect(parsed.orAsFieldName).toBe(true);
    expect(leafAt(parsed, 'detail', '$or').path).toEqual(['detail', '$or']);
    expect(leafAt(parsed, 'detail', '$or').conditions).toEqual(matchers);
  });

  test('a valid $or stays the OR keyword', () => {
    // GIVEN / WHEN
    const parsed = parseEventPattern({ detail: { $or: [{ a: ['x'] }, { b: ['y'] }] } });
    // THEN
    expect(parsed.orAsFieldName).toBe(false);
  });

  test('"$or" as OR and as a field name in one pattern is rejected', () => {
    // GIVEN: event-ruler reads every "$or" of a pattern the same way (README, "Caveat": mixing both is not supported);
    // with "$or" a field name the OR array holds objects that are no operators
    const pattern = { detail: { $or: [{ a: ['x'] }, { b: ['y'] }], c: { $or: { d: ['1'] } } } };
    // WHEN
    const error = parseError(pattern);
    // THEN
    expect(error.path).toBe('eventPattern.detail.c.$or');
    expect(error.message).toMatch(/not valid either.*eventPattern\.detail\.\$or\[0\]: malformed operator "a"/);
  });

  // With "$or" a field name event-ruler compiles the pattern with RuleCompiler (GenericMachine.addRule), whose
  // processMatchExpression takes anything-but prefix and suffix with a single non-empty string only and has no
  // anything-but wildcard ("Unsupported anything-but pattern: wildcard"); anything-but equals-ignore-case takes a list.
  test.each([
    ['anything-but wildcard', { wildcard: 'a*' }, /anything-but wildcard/],
    ['anything-but prefix with a list', { prefix: ['a'] }, /anything-but prefix takes a single string/],
    ['anything-but suffix with a list', { suffix: ['a'] }, /anything-but suffix takes a single string/],
  ])('%s is rejected when "$or" is a field name', (_label, operand, problem) => {
    // GIVEN
    const pattern = { detail: { $or: { a: ['x'] }, z: [{ 'anything-but': operand }] } };
    // WHEN
    const error = parseError(pattern);
    // THEN
    expect(error.path).toBe('eventPattern.detail.$or');
    expect(error.message).toMatch(problem);
  });

  test.each([
    ['anything-but prefix with a string', { prefix: 'a' }],
    ['anything-but equals-ignore-case with a list', { 'equals-ignore-case': ['a', 'b'] }],
  ])('%s is accepted when "$or" is a field name', (_label, operand) => {
    // GIVEN / WHEN
    const parsed = parseEventPattern({ detail: { $or: { a: ['x'] }, z: [{ 'anything-but': operand }] } });
    // THEN
    expect(parsed.orAsFieldName).toBe(true);
  });

  test('reserved keywords are ordinary field names outside $or', () => {
    // GIVEN / WHEN
    const parsed = parseEventPattern({ detail: { prefix: ['x'], numeric: [1] } });
    // THEN
    expect(leafAt(parsed, 'detail', 'numeric').conditions).toEqual([{ kind: 'exact-number', value: 1 }]);
  });

  test('more than 1000 $or combinations are rejected', () => {
    // GIVEN: 11 × 10 × 10 = 1100 combinations
    const or = (n: number, field: string) => Array.from({ length: n }, (_, i) => ({ [`${field}${i}`]: [i] }));
    const pattern = { detail: { a: { $or: or(11, 'a') }, b: { $or: or(10, 'b') }, c: { $or: or(10, 'c') } } };
    // WHEN
    const error = parseError(pattern, { maxLength: 4096 });
    // THEN
    expect(error.path).toBe('eventPattern');
    expect(error.message).toMatch(/1100 rule combinations; EventBridge allows at most 1000/);
  });

  test('exactly 1000 $or combinations are accepted', () => {
    // GIVEN
    const or = (field: string) => Array.from({ length: 10 }, (_, i) => ({ [`${field}${i}`]: [i] }));
    const pattern = { detail: { a: { $or: or('a') }, b: { $or: or('b') }, c: { $or: or('c') } } };
    // WHEN
    const parsed = parseEventPattern(pattern);
    // THEN
    expect(parsed.complexity.orCombinations).toBe(1000);
  });
});
