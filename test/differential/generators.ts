/**
 * fast-check arbitraries for the differential tests: random events, random
 * EventBridge patterns and SNS body policies built from the operators both
 * engines support, and patterns derived from the event (then sometimes
 * mutated) so that about half of the pairs match.
 *
 * The alphabets are chosen so that every generated value is valid for both
 * engines: no double quote (event-ruler compares JSON text with its quotes),
 * no strings shaped like an IP address unless they are valid ones (event-ruler
 * would look such strings up in DNS), numbers exactly representable as doubles.
 */
import * as fc from 'fast-check';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** A pattern (or policy) and the event (or message body) it is tested against. */
export interface Pair {
  readonly pattern: JsonObject;
  readonly event: JsonObject;
}

// ---------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------

const KEYS = ['a', 'b', 'c', 'id', 'x.y', 'tags', 'items', 'ip', 'n', 'Name'];
/** The keys and `$or`, which event-ruler reads as a field name where it is not a valid OR. */
const KEYS_AND_OR = [...KEYS, '$or'];
// Letters with case variants of other lengths (ß/SS, İ/i̇), Greek sigma forms, wildcard and escape characters.
const CHARS = ['a', 'b', 'c', 'A', 'B', 'x', 'é', 'É', 'ß', 'S', 'İ', 'i', 'σ', 'Σ', 'ς', '-', '.', '/', '*', '\\', ' ', '1', '2', '_'];

const text = fc.array(fc.constantFrom(...CHARS), { maxLength: 6 }).map((chars) => chars.join(''));
const word = fc.constantFrom('orders', 'Orders', 'ORDERS', 'order-1', 'shop.orders', 'a*b', 'x', '', 'us-east-1', 'eu-west-1');
const str = fc.oneof({ weight: 3, arbitrary: text }, { weight: 2, arbitrary: word });

const OCTETS = [0, 1, 10, 127, 168, 192, 255];
const ipv4 = fc.tuple(...[0, 1, 2, 3].map(() => fc.constantFrom(...OCTETS))).map((o) => o.join('.'));
const ipv6 = fc.constantFrom(
  '2001:db8::1', '2001:DB8:0:0:0:0:0:1', '2001:db8::ff', '::1', '::', 'fe80::1:2', '2001:db8:1::', '::ffff:a00:1', '::ffff:c0a8:1',
  '2001:db8:0:1:0:0:0:1', 'ffff::',
);
const ip = fc.oneof(ipv4, ipv6);

const NUMBERS = [0, 1, -1, 2, 5, 5.5, -0.25, 0.1, 0.3, 10, 100, 100.5, 300, 1e6, 1e9, -1e9, 1e-6, 123.456];
const num = fc.oneof(fc.constantFrom(...NUMBERS), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: -4000, max: 4000 }).map((n) => n / 8));

const scalar: fc.Arbitrary<Json> = fc.oneof(
  { weight: 5, arbitrary: str },
  { weight: 4, arbitrary: num },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: ip },
);

function objectOf(depth: number, keys: readonly string[] = KEYS): fc.Arbitrary<JsonObject> {
  return fc.dictionary(fc.constantFrom(...keys), valueOf(depth - 1, keys), { minKeys: 1, maxKeys: 4 });
}

function valueOf(depth: number, keys: readonly string[] = KEYS): fc.Arbitrary<Json> {
  if (depth <= 0) {
    return fc.oneof({ weight: 4, arbitrary: scalar }, { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }) });
  }
  return fc.oneof(
    { weight: 6, arbitrary: scalar },
    { weight: 2, arbitrary: fc.array(scalar, { maxLength: 3 }) },
    { weight: 2, arbitrary: objectOf(depth, keys) },
    { weight: 2, arbitrary: fc.array(objectOf(depth, keys), { minLength: 1, maxLength: 3 }) },
  );
}

/** An EventBridge event: envelope fields with strings, `resources`, and a nested `detail`. */
export const eventArb: fc.Arbitrary<JsonObject> = fc.record({
  'source': str,
  'detail-type': str,
  'resources': fc.array(fc.oneof(str, ip), { maxLength: 2 }),
  'detail': objectOf(3),
}, { requiredKeys: ['source', 'detail'] }) as fc.Arbitrary<JsonObject>;

/** An SNS message body: any JSON object. */
export const bodyArb: fc.Arbitrary<JsonObject> = objectOf(3);

// ---------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------

/** Which operators a dialect may use. */
export interface Dialect {
  readonly name: 'eventbridge' | 'sns';
  /** EventBridge: wildcard, anything-but wildcard/equals-ignore-case, prefix/suffix equals-ignore-case. */
  readonly extendedOperators: boolean;
  /** SNS: only strings that do not look like IP addresses as exact values (see docs/routing.md). */
  readonly ipLikeExactStrings: boolean;
  /**
   * SNS: no cidr on an IPv4-mapped IPv6 address (`::ffff:a00:1/100`): event-ruler reads it as IPv4 and rejects its mask
   * bits, our EventBridge parser does the same, the SNS parser accepts it as IPv6 (SNS's own answer is not documented).
   */
  readonly mappedCidr: boolean;
}

export const EVENTBRIDGE: Dialect = { name: 'eventbridge', extendedOperators: true, ipLikeExactStrings: true, mappedCidr: true };
export const SNS_BODY: Dialect = { name: 'sns', extendedOperators: false, ipLikeExactStrings: false, mappedCidr: false };

function escapeGlob(s: string): string {
  return s.replace(/[\\*]/g, (ch) => `\\${ch}`);
}

/** A wildcard built from `s`: the characters whose bit in `cuts` is set become `*` (runs collapse), the rest are escaped. */
function globOf(s: string, cuts: number): string {
  let out = '';
  let lastWasStar = false;
  const chars = [...s];
  for (let i = 0; i <= chars.length; i++) {
    const cut = Math.floor(cuts / 2 ** (i % 30)) % 2 === 1;
    if (cut && !lastWasStar) {
      out += '*';
      lastWasStar = true;
    } else if (!cut && i < chars.length) {
      out += escapeGlob(chars[i]);
      lastWasStar = false;
    }
  }
  return out;
}

function globFrom(s: string): fc.Arbitrary<string> {
  return fc.nat().map((cuts) => globOf(s, cuts));
}

function looksLikeIp(s: string): boolean {
  return /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/.test(s) || /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/.test(s);
}

function cidrAround(address: string): fc.Arbitrary<string> {
  const v4 = address.includes('.');
  return fc.integer({ min: 0, max: v4 ? 31 : 127 }).map((bits) => `${address}/${bits}`);
}

function flipBits(s: string, bits: number): string {
  return [...s].map((ch, i) => (Math.floor(bits / 2 ** (i % 30)) % 2 === 1 ? ch.toUpperCase() : ch.toLowerCase())).join('');
}

/** Three random numbers that pick and shape a condition derived from an event value (one small arbitrary, cheap to build). */
const DERIVATION = fc.tuple(fc.nat(), fc.nat(), fc.nat());

/** Conditions that a value of the event is likely (not certain) to match. */
function derivedCondition(value: Json, d: Dialect): fc.Arbitrary<Json> {
  return DERIVATION.map(([pick, a, b]) => {
    const options: (() => Json)[] = [() => ({ exists: true })];
    if (typeof value === 'string') {
      const k = value.length === 0 ? 0 : a % (value.length + 1);
      const k1 = value.length === 0 ? 0 : 1 + (a % value.length);
      if (d.ipLikeExactStrings || !looksLikeIp(value)) {
        options.push(() => value, () => value);
      }
      options.push(
        () => ({ prefix: value.slice(0, k) }),
        () => ({ suffix: value.slice(value.length - k) }),
        () => ({ 'equals-ignore-case': flipBits(value, b) }),
        () => ({ 'anything-but': 'zz' }),
        () => ({ 'anything-but': [value, 'zz'] }),
      );
      if (value.length > 0) {
        options.push(() => ({ 'anything-but': { prefix: value.slice(0, k1) } }), () => ({ 'anything-but': { suffix: value.slice(value.length - k1) } }));
      }
      if (d.extendedOperators) {
        options.push(
          () => ({ wildcard: globOf(value, b) }),
          () => ({ 'anything-but': { wildcard: globOf(value, b) } }),
          () => ({ prefix: { 'equals-ignore-case': flipBits(value, b).slice(0, k) } }),
          () => {
            const flipped = flipBits(value, b);
            return { suffix: { 'equals-ignore-case': flipped.slice(flipped.length - Math.min(k, flipped.length)) } };
          },
          () => ({ 'anything-but': { 'equals-ignore-case': flipBits(value, b) } }),
        );
      }
      if (looksLikeIp(value) && (d.mappedCidr || !value.startsWith('::ffff:'))) {
        const bits = a % (value.includes('.') ? 32 : 128);
        options.push(() => ({ cidr: `${value}/${bits}` }), () => ({ cidr: `${value}/${bits}` }));
      }
    } else if (typeof value === 'number') {
      const ops = ['<', '<=', '>', '>='];
      const deltas = [-1, -0.5, 0, 0.5, 1];
      const widths = [0.5, 1, 100];
      options.push(
        () => value,
        () => value,
        () => ({ numeric: ['=', value] }),
        () => ({ numeric: [ops[a % 4], value + deltas[b % 5]] }),
        () => ({ numeric: [['>', '>='][a % 2], value - widths[b % 3], ['<', '<='][Math.floor(a / 2) % 2], value + widths[b % 3]] }),
        () => ({ 'anything-but': value }),
        () => ({ 'anything-but': [value + 1, 7] }),
      );
    } else {
      options.push(() => value, () => ({ 'anything-but': 'x' }));
    }
    return options[pick % options.length]();
  });
}

const randomConditions = new Map<string, fc.Arbitrary<Json>>();

/** Conditions drawn at random, regardless of the event. */
function randomCondition(d: Dialect): fc.Arbitrary<Json> {
  let arbitrary = randomConditions.get(d.name);
  if (arbitrary === undefined) {
    arbitrary = buildRandomCondition(d);
    randomConditions.set(d.name, arbitrary);
  }
  return arbitrary;
}

function buildRandomCondition(d: Dialect): fc.Arbitrary<Json> {
  const options: fc.Arbitrary<Json>[] = [
    str.filter((s) => d.ipLikeExactStrings || !looksLikeIp(s)),
    num,
    fc.boolean(),
    fc.constant(null),
    fc.record({ prefix: str }),
    fc.record({ suffix: str }),
    fc.record({ 'equals-ignore-case': str }),
    fc.record({ exists: fc.boolean() }),
    fc.record({ 'anything-but': fc.oneof(str, num, fc.array(str, { minLength: 1, maxLength: 3 }), fc.array(num, { minLength: 1, maxLength: 3 })) }),
    fc.record({ 'anything-but': fc.record({ prefix: str.filter((s) => s !== '') }) }),
    fc.record({ 'anything-but': fc.record({ suffix: str.filter((s) => s !== '') }) }),
    fc.record({ numeric: fc.tuple(fc.constantFrom('=', '<', '<=', '>', '>='), num) }),
    fc.tuple(fc.constantFrom('>', '>='), num, fc.constantFrom('<', '<='), fc.constantFrom(0.5, 1, 50)).map(([lo, a, hi, w]) => ({ numeric: [lo, a, hi, a + w] })),
    ip.filter((a) => d.mappedCidr || !a.startsWith('::ffff:')).chain(cidrAround).map((c) => ({ cidr: c })),
  ];
  if (d.ipLikeExactStrings) {
    options.push(ip);
  }
  if (d.extendedOperators) {
    options.push(
      str.chain(globFrom).map((g) => ({ wildcard: g })),
      fc.record({ prefix: fc.record({ 'equals-ignore-case': str }) }),
      fc.record({ suffix: fc.record({ 'equals-ignore-case': str }) }),
      fc.record({ 'anything-but': fc.record({ 'equals-ignore-case': fc.oneof(str, fc.array(str, { minLength: 1, maxLength: 2 })) }) }),
      fc.record({ 'anything-but': fc.record({ wildcard: fc.oneof(str.chain(globFrom), fc.array(str.chain(globFrom), { minLength: 1, maxLength: 2 })) }) }),
      fc.record({ 'anything-but': fc.record({ prefix: fc.array(str.filter((s) => s !== ''), { minLength: 1, maxLength: 2 }) }) }),
    );
  }
  return fc.oneof(...options);
}

// ---------------------------------------------------------------------------
// Patterns derived from events
// ---------------------------------------------------------------------------

/** A leaf of the event: its key path and one of its values. */
interface EventLeaf {
  readonly path: readonly string[];
  readonly value: Json;
}

function eventLeaves(obj: JsonObject, prefix: readonly string[] = []): EventLeaf[] {
  const leaves: EventLeaf[] = [];
  const visit = (path: readonly string[], value: Json): void => {
    if (Array.isArray(value)) {
      value.forEach((element) => visit(path, element));
    } else if (value !== null && typeof value === 'object') {
      leaves.push(...eventLeaves(value, path));
    } else {
      leaves.push({ path, value });
    }
  };
  for (const [key, value] of Object.entries(obj)) {
    visit([...prefix, key], value);
  }
  return leaves;
}

function leafConditions(value: Json | undefined, d: Dialect): fc.Arbitrary<Json[]> {
  const derived = value === undefined
    ? randomCondition(d)
    : fc.oneof({ weight: 3, arbitrary: derivedCondition(value, d) }, { weight: 2, arbitrary: randomCondition(d) });
  return fc.array(derived, { minLength: 1, maxLength: 3 });
}

/** Puts `conditions` at `path` inside `pattern`, unless a value is already there. */
function place(pattern: JsonObject, path: readonly string[], conditions: Json[]): void {
  let node = pattern;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (Array.isArray(next)) {
      return;
    }
    if (next === undefined || next === null || typeof next !== 'object') {
      node[key] = {};
    }
    node = node[key] as JsonObject;
  }
  const last = path[path.length - 1];
  if (node[last] === undefined) {
    node[last] = conditions;
  }
}

/** A sub-pattern built from up to three leaves of the event (and sometimes a field the event lacks). */
function subPatternFor(leaves: readonly EventLeaf[], scopePath: readonly string[], d: Dialect): fc.Arbitrary<JsonObject> {
  const candidates = leaves.filter((l) => scopePath.every((k, i) => l.path[i] === k) && l.path.length > scopePath.length);
  const picks = candidates.length === 0
    ? fc.constant([] as EventLeaf[])
    : fc.array(fc.constantFrom(...candidates), { minLength: 1, maxLength: 3 });
  // A field the event may lack, in 3 sub-patterns out of 10: with a random condition it rarely matches.
  const extraKey = fc.tuple(fc.nat(9), fc.constantFrom(...KEYS), fc.option(fc.constantFrom(...KEYS), { nil: undefined }))
    .map(([roll, k1, k2]) => (roll < 3 ? ([k1, k2] as const) : undefined));
  return fc.tuple(picks, extraKey).chain(([chosen, extra]) => {
    const parts: fc.Arbitrary<[readonly string[], Json[]]>[] = chosen.map((l) => leafConditions(l.value, d)
      .map((c): [readonly string[], Json[]] => [l.path.slice(scopePath.length), c]));
    if (extra !== undefined || parts.length === 0) {
      const [k1, k2] = extra ?? ['zz', undefined];
      const path = k2 === undefined ? [k1] : [k1, k2];
      parts.push(leafConditions(undefined, d).map((c): [readonly string[], Json[]] => [path, c]));
    }
    return fc.tuple(...parts).map((entries) => {
      const pattern: JsonObject = {};
      for (const [path, conditions] of entries) {
        place(pattern, path, conditions);
      }
      return pattern;
    });
  });
}

/** Adds an `$or` of two sub-patterns at the root or under the first key. */
function withOr(base: JsonObject, leaves: readonly EventLeaf[], d: Dialect, topLevelKeys: readonly string[] | undefined): fc.Arbitrary<JsonObject> {
  const scopes: string[][] = [[]];
  if (typeof base.detail === 'object' && base.detail !== null && !Array.isArray(base.detail)) {
    scopes.push(['detail']);
  }
  return fc.constantFrom(...scopes).chain((scope) => fc.tuple(subPatternFor(leaves, scope, d), subPatternFor(leaves, scope, d)).map(([b1, b2]) => {
    if (scope.length === 0 && topLevelKeys !== undefined && ![b1, b2].every((b) => Object.keys(b).every((k) => topLevelKeys.includes(k)))) {
      return base;
    }
    const copy = JSON.parse(JSON.stringify(base)) as JsonObject;
    const target = scope.length === 0 ? copy : copy.detail as JsonObject;
    target.$or = [b1, b2];
    return copy;
  }));
}

const ENVELOPE = ['source', 'detail-type', 'resources', 'detail'];

/** EventBridge pairs: an event and a pattern derived from it (or from nothing), about half of them matching. */
export const eventBridgePairArb: fc.Arbitrary<Pair> = eventArb.chain((event) => {
  const leaves = eventLeaves(event);
  const base = subPatternFor(leaves, [], EVENTBRIDGE).map((p) => keepEnvelope(p));
  const pattern = fc.tuple(base, fc.nat(9)).chain(([p, roll]) => (roll < 3 ? withOr(p, leaves, EVENTBRIDGE, ENVELOPE) : fc.constant(p)));
  return pattern.map((p) => ({ pattern: p, event }));
});

/** Keeps the envelope keys EventBridge allows at the top of a pattern; other keys move under `detail`. */
function keepEnvelope(p: JsonObject): JsonObject {
  const out: JsonObject = {};
  const detail: JsonObject = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === 'detail' && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      Object.assign(detail, v);
    } else if (ENVELOPE.includes(k) && k !== 'detail' && Array.isArray(v)) {
      out[k] = v;
    } else if (!ENVELOPE.includes(k)) {
      detail[k] = v;
    }
  }
  if (Object.keys(detail).length > 0) {
    out.detail = detail;
  }
  return Object.keys(out).length > 0 ? out : { source: [{ exists: true }] };
}

/**
 * EventBridge pairs beyond the envelope: events with more top-level fields than the envelope's, and fields named
 * `$or` at the top and inside `detail`; patterns derived from them keep every top-level field, so they name fields
 * outside the envelope, use `$or` as a field name (an object, or an array of match values), and sometimes hold a
 * `$or` that is the OR keyword as well.
 */
export const eventBridgeAnyFieldPairArb: fc.Arbitrary<Pair> = fc.tuple(eventArb, objectOf(2, KEYS_AND_OR), objectOf(2, KEYS_AND_OR))
  .map(([envelope, extra, detailExtra]): JsonObject => ({ ...extra, ...envelope, detail: { ...detailExtra, ...envelope.detail as JsonObject } }))
  .chain((event) => {
    const leaves = eventLeaves(event);
    const base = subPatternFor(leaves, [], EVENTBRIDGE);
    const pattern = fc.tuple(base, fc.nat(9)).chain(([p, roll]) => (roll < 3 ? withOr(p, leaves, EVENTBRIDGE, undefined) : fc.constant(p)));
    return pattern.map((p) => ({ pattern: p, event }));
  });

/** SNS body-scope pairs: a JSON body and a policy derived from it. */
export const snsBodyPairArb: fc.Arbitrary<Pair> = bodyArb.chain((body) => {
  const leaves = eventLeaves(body);
  const base = subPatternFor(leaves, [], SNS_BODY);
  const pattern = fc.tuple(base, fc.nat(9)).chain(([p, roll]) => (roll < 3 ? withOr(p, leaves, SNS_BODY, undefined) : fc.constant(p)));
  return pattern.map((p) => ({ pattern: p, event: body }));
});
