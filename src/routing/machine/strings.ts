/**
 * String comparisons of the machine: wildcards and case-insensitive matching.
 *
 * Internal module: not part of the jsii API.
 */
import { Glob } from '../model/conditions';

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

export function startsWithIgnoreCase(text: string, pattern: string): boolean {
  if (isAscii(text) && isAscii(pattern)) {
    return text.length >= pattern.length && text.slice(0, pattern.length).toLowerCase() === pattern.toLowerCase();
  }
  return caseMatchEnds(text, 0, cachedCaseAlternatives(pattern)).size > 0;
}

export function endsWithIgnoreCase(text: string, pattern: string): boolean {
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
