/**
 * The matching engine shared by the EventBridge event pattern and SNS filter
 * policy evaluators.
 *
 * A pattern or policy is first compiled into a `CompiledRule`: a list of
 * `$or`-free alternatives, each a list of leaves (a dotted field path and the
 * conditions of its value array). A message is flattened into its leaf values,
 * each remembering the array elements it sits in. A rule matches when one
 * alternative matches; an alternative matches when every leaf matches a value,
 * all chosen values lying in the same element of any array they share.
 *
 * The semantics follow aws/event-ruler, the engine behind EventBridge (see
 * `EVENT_RULER_SEMANTICS` below for the points where that matters).
 *
 * Internal module: not part of the jsii API.
 */

// ---------------------------------------------------------------------------
// Conditions
// ---------------------------------------------------------------------------

/** A leaf value of a message: what a condition is tested against. */
export type Scalar = string | number | boolean | null;

/** One end of a numeric range. */
export interface Bound {
  readonly value: number;
  readonly inclusive: boolean;
}

/** An IP network (or a single address when `prefixLength` is the full width). */
export interface IpNetwork {
  /** 4 or 16 bytes, host bits cleared. */
  readonly network: readonly number[];
  readonly prefixLength: number;
}

/** A wildcard expression split on its unescaped `*`. */
export interface Glob {
  readonly source: string;
  readonly segments: readonly string[];
}

/** A condition on one value. A leaf matches a value when any of its conditions does. */
export type Condition =
  | { readonly kind: 'exact-string'; readonly value: string }
  | { readonly kind: 'exact-number'; readonly value: number }
  | { readonly kind: 'exact-literal'; readonly value: boolean | null }
  | { readonly kind: 'exact-ip'; readonly source: string; readonly address: IpNetwork }
  | { readonly kind: 'prefix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'suffix'; readonly value: string; readonly ignoreCase: boolean }
  | { readonly kind: 'equals-ignore-case'; readonly value: string }
  | { readonly kind: 'wildcard'; readonly glob: Glob }
  | { readonly kind: 'numeric'; readonly lower?: Bound; readonly upper?: Bound }
  | { readonly kind: 'cidr'; readonly source: string; readonly block: IpNetwork }
  /** `nonEmpty` (SNS): `exists: true` then matches only a value that is neither null nor "". */
  | { readonly kind: 'exists'; readonly exists: boolean; readonly nonEmpty?: boolean }
  | { readonly kind: 'anything-but'; readonly strings: readonly string[]; readonly numbers: readonly number[] }
  | { readonly kind: 'anything-but-prefix'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-suffix'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-equals-ignore-case'; readonly values: readonly string[] }
  | { readonly kind: 'anything-but-wildcard'; readonly globs: readonly Glob[] };

/** A field of an alternative: the value at `path` must match one of `conditions` (or be absent, with `exists: false`). */
export interface CompiledLeaf {
  /** Field names joined with `.`, as event-ruler joins them (so `{"a.b": ...}` and `{"a": {"b": ...}}` are the same field). */
  readonly path: string;
  readonly conditions: readonly Condition[];
  /** The conditions tested against present values (all but `exists: false`). */
  readonly valueConditions: readonly Condition[];
  /** Whether `{ "exists": false }` is one of the conditions. */
  readonly allowsAbsence: boolean;
}

/** An `$or`-free alternative: leaves sorted by path, the order in which event-ruler walks them. */
export interface CompiledAlternative {
  readonly leaves: readonly CompiledLeaf[];
}

/** A compiled pattern or policy: it matches when any alternative matches. */
export interface CompiledRule {
  readonly alternatives: readonly CompiledAlternative[];
}

/** Builds a leaf from its conditions. */
export function leaf(path: string, conditions: readonly Condition[]): CompiledLeaf {
  return {
    path,
    conditions,
    valueConditions: conditions.filter((c) => !(c.kind === 'exists' && !c.exists)),
    allowsAbsence: conditions.some((c) => c.kind === 'exists' && !c.exists),
  };
}

/** Builds an alternative, sorting its leaves by path in UTF-16 code unit order (Java's String order). */
export function alternative(leaves: readonly CompiledLeaf[]): CompiledAlternative {
  return { leaves: [...leaves].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
}

// ---------------------------------------------------------------------------
// Flattened messages
// ---------------------------------------------------------------------------

/** Array membership: pairs of (array id, element index), for the arrays whose element holds the value. */
type Membership = readonly number[];

/** A leaf value of the message and the array elements it is in. */
export interface FlatValue {
  readonly value: Scalar;
  readonly membership: Membership;
}

/** A message flattened into its leaf values, by dotted path. */
export interface FlatMessage {
  readonly fields: ReadonlyMap<string, readonly FlatValue[]>;
  /** Paths of objects and arrays (for explanations: "is an object, not a value"). */
  readonly containers: ReadonlySet<string>;
}

const EMPTY_MEMBERSHIP: Membership = [];

/**
 * Flattens a JSON object the way event-ruler does: nested keys are joined with
 * `.`; every element of an array is a value of the array's path; values inside
 * an object or array that is itself an array element remember that element.
 * Empty arrays and objects give no value. `undefined` is skipped as in JSON.
 */
export function flatten(message: Record<string, unknown>): FlatMessage {
  const fields = new Map<string, FlatValue[]>();
  const containers = new Set<string>();
  let arrayCount = 0;

  const add = (path: string, value: Scalar, membership: Membership) => {
    let list = fields.get(path);
    if (list === undefined) {
      list = [];
      fields.set(path, list);
    }
    list.push({ value, membership });
  };

  const visit = (path: string, value: unknown, membership: Membership, seen: Set<object>): void => {
    const json = toJsonValue(value);
    if (json === undefined) {
      return;
    }
    if (Array.isArray(json)) {
      containers.add(path);
      visitArray(path, json, membership, seen);
    } else if (json !== null && typeof json === 'object') {
      containers.add(path);
      visitObject(path, json as Record<string, unknown>, membership, seen);
    } else {
      add(path, json as Scalar, membership);
    }
  };

  const visitObject = (prefix: string | undefined, obj: Record<string, unknown>, membership: Membership, seen: Set<object>): void => {
    if (seen.has(obj)) {
      throw new TypeError('the message refers to itself (circular reference), so it is not JSON');
    }
    seen.add(obj);
    for (const key of Object.keys(obj)) {
      visit(prefix === undefined ? key : `${prefix}.${key}`, obj[key], membership, seen);
    }
    seen.delete(obj);
  };

  const visitArray = (path: string, array: readonly unknown[], membership: Membership, seen: Set<object>): void => {
    if (seen.has(array)) {
      throw new TypeError('the message refers to itself (circular reference), so it is not JSON');
    }
    seen.add(array);
    const arrayId = arrayCount++;
    array.forEach((element, index) => {
      const json = toJsonValue(element);
      if (json !== null && typeof json === 'object') {
        // Only objects and arrays inside an array carry the element index, as in event-ruler.
        const inner = [...membership, arrayId, index];
        containers.add(path);
        if (Array.isArray(json)) {
          visitArray(path, json, inner, seen);
        } else {
          visitObject(path, json as Record<string, unknown>, inner, seen);
        }
      } else if (json !== undefined) {
        add(path, json as Scalar, membership);
      }
    });
    seen.delete(array);
  };

  visitObject(undefined, message, EMPTY_MEMBERSHIP, new Set());
  return { fields, containers };
}

/** The JSON value `JSON.stringify` would write for `value`: `toJSON` applied, non-finite numbers as null, functions dropped. */
function toJsonValue(value: unknown): unknown {
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    return undefined;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? value : null;
  }
  if (typeof value === 'bigint') {
    return Number(value);
  }
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return (value as { toJSON: () => unknown }).toJSON();
  }
  return value;
}

/** Whether two memberships agree on every array they share; returns the union, or undefined when they conflict. */
function mergeMembership(a: Membership, b: Membership): Membership | undefined {
  if (b.length === 0) {
    return a;
  }
  if (a.length === 0) {
    return b;
  }
  let merged: number[] | undefined;
  for (let j = 0; j < b.length; j += 2) {
    let found = false;
    for (let i = 0; i < a.length; i += 2) {
      if (a[i] === b[j]) {
        if (a[i + 1] !== b[j + 1]) {
          return undefined;
        }
        found = true;
        break;
      }
    }
    if (!found) {
      merged = merged ?? [...a];
      merged.push(b[j], b[j + 1]);
    }
  }
  return merged ?? a;
}

// ---------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------

/** Whether the rule matches the flattened message. */
export function matchesRule(rule: CompiledRule, message: FlatMessage): boolean {
  return rule.alternatives.some((alt) => matchAlternative(alt, message) !== undefined);
}

/**
 * Searches for values satisfying every leaf of the alternative, leaf by leaf
 * in path order. `exists: false` is checked against the values that agree with
 * the array elements chosen so far, exactly as event-ruler checks absence.
 * Returns the chosen value per leaf (undefined entries for absent leaves), or
 * undefined when there is no match.
 */
export function matchAlternative(alt: CompiledAlternative, message: FlatMessage): (FlatValue | undefined)[] | undefined {
  const leaves = alt.leaves;
  const chosen: (FlatValue | undefined)[] = new Array(leaves.length);
  const step = (i: number, constraints: Membership): boolean => {
    if (i === leaves.length) {
      return true;
    }
    const current = leaves[i];
    const values = message.fields.get(current.path);
    if (current.allowsAbsence && (values === undefined || !values.some((v) => mergeMembership(constraints, v.membership) !== undefined))) {
      chosen[i] = undefined;
      if (step(i + 1, constraints)) {
        return true;
      }
    }
    if (values === undefined || current.valueConditions.length === 0) {
      return false;
    }
    for (const v of values) {
      const merged = mergeMembership(constraints, v.membership);
      if (merged === undefined || !current.valueConditions.some((c) => conditionMatches(c, v.value))) {
        continue;
      }
      chosen[i] = v;
      if (step(i + 1, merged)) {
        return true;
      }
    }
    return false;
  };
  return step(0, EMPTY_MEMBERSHIP) ? chosen : undefined;
}

/** Whether a single value satisfies a condition (`exists: false` never does: it is about absence). */
export function conditionMatches(c: Condition, v: Scalar): boolean {
  switch (c.kind) {
    case 'exact-string':
      return v === c.value;
    case 'exact-number':
      return typeof v === 'number' && v === c.value;
    case 'exact-literal':
      return v === c.value;
    case 'exact-ip': {
      const address = typeof v === 'string' ? parseIpAddress(v) : undefined;
      return address !== undefined && sameBytes(address, c.address.network);
    }
    case 'prefix':
      return typeof v === 'string' && (c.ignoreCase ? startsWithIgnoreCase(v, c.value) : v.startsWith(c.value));
    case 'suffix':
      return typeof v === 'string' && (c.ignoreCase ? endsWithIgnoreCase(v, c.value) : v.endsWith(c.value));
    case 'equals-ignore-case':
      return typeof v === 'string' && equalsIgnoreCase(v, c.value);
    case 'wildcard':
      return typeof v === 'string' && globMatches(c.glob, v);
    case 'numeric':
      return typeof v === 'number' && inRange(v, c.lower, c.upper);
    case 'cidr': {
      const address = typeof v === 'string' ? parseIpAddress(v) : undefined;
      return address !== undefined && inNetwork(address, c.block);
    }
    case 'exists':
      return c.exists && !(c.nonEmpty === true && (v === null || v === ''));
    case 'anything-but':
      return typeof v === 'string' ? !c.strings.includes(v) : typeof v === 'number' ? !c.numbers.includes(v) : true;
    case 'anything-but-prefix':
      return typeof v !== 'string' || !c.values.some((p) => v.startsWith(p));
    case 'anything-but-suffix':
      return typeof v !== 'string' || !c.values.some((s) => v.endsWith(s));
    case 'anything-but-equals-ignore-case':
      return typeof v !== 'string' || !c.values.some((s) => equalsIgnoreCase(v, s));
    case 'anything-but-wildcard':
      return typeof v !== 'string' || !c.globs.some((g) => globMatches(g, v));
  }
}

function inRange(v: number, lower: Bound | undefined, upper: Bound | undefined): boolean {
  if (lower !== undefined && (lower.inclusive ? v < lower.value : v <= lower.value)) {
    return false;
  }
  if (upper !== undefined && (upper.inclusive ? v > upper.value : v >= upper.value)) {
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------

/** Whether `text` matches the wildcard: `*` matches any run of characters, including none. */
export function globMatches(glob: Glob, text: string): boolean {
  const segments = glob.segments;
  const first = segments[0];
  if (segments.length === 1) {
    return text === first;
  }
  const last = segments[segments.length - 1];
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) {
    return false;
  }
  let position = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < segments.length - 1; i++) {
    const found = text.indexOf(segments[i], position);
    if (found < 0 || found + segments[i].length > end) {
      return false;
    }
    position = found + segments[i].length;
  }
  return true;
}

/**
 * Case-insensitive comparison as event-ruler does it: each UTF-16 unit of the
 * pattern matches its lower-case or its upper-case form (which may have another
 * length, e.g. "ß" and "SS"). Surrogate halves match only themselves, so
 * characters outside the Basic Multilingual Plane match exactly.
 */
function caseAlternatives(pattern: string): (readonly string[])[] {
  const result: (readonly string[])[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const unit = pattern[i];
    const code = unit.charCodeAt(0);
    if (code >= 0xd800 && code <= 0xdfff) {
      result.push([unit]);
      continue;
    }
    const lower = unit.toLowerCase();
    const upper = unit.toUpperCase();
    result.push(lower === upper ? [lower] : [lower, upper]);
  }
  return result;
}

const caseCache = new Map<string, (readonly string[])[]>();

function cachedCaseAlternatives(pattern: string): (readonly string[])[] {
  let alternatives = caseCache.get(pattern);
  if (alternatives === undefined) {
    alternatives = caseAlternatives(pattern);
    if (caseCache.size > 10_000) {
      caseCache.clear();
    }
    caseCache.set(pattern, alternatives);
  }
  return alternatives;
}

/** The positions in `text` where a case-insensitive match of `alternatives` starting at `start` can end. */
function caseMatchEnds(text: string, start: number, alternatives: (readonly string[])[]): Set<number> {
  let positions = new Set<number>([start]);
  for (const options of alternatives) {
    const next = new Set<number>();
    for (const position of positions) {
      for (const option of options) {
        if (text.startsWith(option, position)) {
          next.add(position + option.length);
        }
      }
    }
    if (next.size === 0) {
      return next;
    }
    positions = next;
  }
  return positions;
}

function isAscii(text: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[\x00-\x7f]*$/.test(text);
}

export function equalsIgnoreCase(text: string, pattern: string): boolean {
  if (isAscii(text) && isAscii(pattern)) {
    return text.length === pattern.length && text.toLowerCase() === pattern.toLowerCase();
  }
  return caseMatchEnds(text, 0, cachedCaseAlternatives(pattern)).has(text.length);
}

function startsWithIgnoreCase(text: string, pattern: string): boolean {
  if (isAscii(text) && isAscii(pattern)) {
    return text.length >= pattern.length && text.slice(0, pattern.length).toLowerCase() === pattern.toLowerCase();
  }
  return caseMatchEnds(text, 0, cachedCaseAlternatives(pattern)).size > 0;
}

function endsWithIgnoreCase(text: string, pattern: string): boolean {
  if (isAscii(text) && isAscii(pattern)) {
    return text.length >= pattern.length && text.slice(text.length - pattern.length).toLowerCase() === pattern.toLowerCase();
  }
  const alternatives = cachedCaseAlternatives(pattern);
  for (let start = text.length; start >= 0; start--) {
    if (caseMatchEnds(text, start, alternatives).has(text.length)) {
      return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------
// IP addresses
// ---------------------------------------------------------------------------

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/**
 * The bytes of an IPv4 (dotted decimal, no leading zeros) or IPv6 (hex groups,
 * one `::`) address; undefined when `text` is not one. An IPv4-mapped IPv6
 * address (`::ffff:a00:1`) gives the IPv4 bytes, as Java's InetAddress does.
 */
export function parseIpAddress(text: string): number[] | undefined {
  if (IPV4_SHAPE.test(text)) {
    const parts = text.split('.');
    if (!parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p) && Number(p) <= 255)) {
      return undefined;
    }
    return parts.map(Number);
  }
  if (!IPV6_SHAPE.test(text)) {
    return undefined;
  }
  const halves = text.split('::');
  if (halves.length > 2) {
    return undefined;
  }
  const groups = (half: string): number[] | undefined => {
    if (half === '') {
      return [];
    }
    const parts = half.split(':');
    return parts.every((p) => /^[0-9a-fA-F]{1,4}$/.test(p)) ? parts.map((p) => parseInt(p, 16)) : undefined;
  };
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  if (head === undefined || tail === undefined) {
    return undefined;
  }
  const missing = 8 - head.length - tail.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) {
    return undefined;
  }
  const all = [...head, ...new Array<number>(Math.max(missing, 0)).fill(0), ...tail];
  const bytes = all.flatMap((g) => [Math.floor(g / 256), g % 256]);
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

function sameBytes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function inNetwork(address: readonly number[], block: IpNetwork): boolean {
  if (address.length !== block.network.length) {
    return false;
  }
  for (let i = 0; i < address.length; i++) {
    const fixedBits = Math.min(8, Math.max(0, block.prefixLength - i * 8));
    if (fixedBits === 0) {
      return true;
    }
    const unit = 2 ** (8 - fixedBits);
    if (Math.floor(address[i] / unit) !== Math.floor(block.network[i] / unit)) {
      return false;
    }
  }
  return true;
}

/** An address with a prefix length, host bits cleared. */
export function ipNetwork(address: readonly number[], prefixLength: number): IpNetwork {
  const network = address.map((byte, i) => {
    const unit = 2 ** (8 - Math.min(8, Math.max(0, prefixLength - i * 8)));
    return Math.floor(byte / unit) * unit;
  });
  return { network, prefixLength };
}
