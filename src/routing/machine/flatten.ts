/**
 * Messages flattened into their leaf values, as event-ruler flattens an event.
 *
 * Internal module: not part of the jsii API.
 */
import { Scalar } from '../model/conditions';

/** Array membership: pairs of (array id, element index), for the arrays whose element holds the value. */
export type Membership = readonly number[];

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

export const EMPTY_MEMBERSHIP: Membership = [];

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
export function mergeMembership(a: Membership, b: Membership): Membership | undefined {
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
