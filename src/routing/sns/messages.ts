/**
 * SNS messages as the JSON object a filter policy is matched against: typed
 * message attributes, or a JSON body.
 *
 * Internal module: not part of the jsii API.
 */
import { Scalar } from '../model/conditions';
import { InvalidMessageError } from '../model/errors';

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
