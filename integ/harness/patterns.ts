/**
 * An independent evaluator of EventBridge event patterns and SNS filter
 * policies (the same matching language), used as the oracle of which
 * messages each subscriber or target should get. It covers the operators
 * AWS documents: exact values, prefix, suffix, equals-ignore-case,
 * anything-but (values, prefix, suffix, equals-ignore-case), numeric
 * comparisons, exists, cidr, wildcard, `$or`, nested keys.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function ipToBigInt(ip: string): { value: bigint; bits: number } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) {
    const parts = ip.split('.').map(Number);
    if (parts.some((p) => p > 255)) {
      return undefined;
    }
    return { value: parts.reduce((acc, p) => acc * 256n + BigInt(p), 0n), bits: 32 };
  }
  return undefined; // IPv6 is not used by the examples
}

function cidrMatches(value: string, cidr: string): boolean {
  const [network, lengthText] = cidr.split('/');
  const ip = ipToBigInt(value);
  const net = ipToBigInt(network);
  if (!ip || !net) {
    return false;
  }
  const length = BigInt(Number(lengthText));
  const block = 2n ** (BigInt(net.bits) - length);
  return ip.value / block === net.value / block;
}

function wildcardMatches(value: string, pattern: string): boolean {
  const regex = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${regex}$`, 's').test(value);
}

function numericMatches(value: number, conditions: Json[]): boolean {
  for (let i = 0; i < conditions.length; i += 2) {
    const op = conditions[i] as string;
    const bound = conditions[i + 1] as number;
    const ok = op === '>' ? value > bound
      : op === '>=' ? value >= bound
        : op === '<' ? value < bound
          : op === '<=' ? value <= bound
            : op === '=' ? value === bound
              : false;
    if (!ok) {
      return false;
    }
  }
  return true;
}

function stringOperator(rule: Record<string, any>, value: Json): boolean | undefined {
  if ('prefix' in rule) {
    const p = rule.prefix;
    return typeof value === 'string' && (isObject(p)
      ? value.toLowerCase().startsWith(String(p['equals-ignore-case']).toLowerCase())
      : value.startsWith(p));
  }
  if ('suffix' in rule) {
    const s = rule.suffix;
    return typeof value === 'string' && (isObject(s)
      ? value.toLowerCase().endsWith(String(s['equals-ignore-case']).toLowerCase())
      : value.endsWith(s));
  }
  if ('equals-ignore-case' in rule) {
    return typeof value === 'string' && value.toLowerCase() === String(rule['equals-ignore-case']).toLowerCase();
  }
  if ('wildcard' in rule) {
    return typeof value === 'string' && wildcardMatches(value, rule.wildcard);
  }
  if ('cidr' in rule) {
    return typeof value === 'string' && cidrMatches(value, rule.cidr);
  }
  return undefined;
}

/** Does one leaf rule (a literal or an operator object) match one value? */
function ruleMatches(rule: Json, value: Json): boolean {
  if (!isObject(rule)) {
    if (typeof rule === 'number' && typeof value === 'number') {
      return rule === value;
    }
    return rule === value;
  }
  const asString = stringOperator(rule, value);
  if (asString !== undefined) {
    return asString;
  }
  if ('numeric' in rule) {
    return typeof value === 'number' && numericMatches(value, rule.numeric as Json[]);
  }
  if ('anything-but' in rule) {
    const excluded = rule['anything-but'];
    if (isObject(excluded)) {
      const inner = stringOperator(excluded, value);
      return typeof value === 'string' && inner === false;
    }
    const list: Json[] = Array.isArray(excluded) ? excluded : [excluded];
    return !list.some((x) => x === value);
  }
  throw new Error(`unsupported pattern operator ${JSON.stringify(rule)}`);
}

/** Does the list of rules of one key match the value found at that key (absent: undefined)? */
function leafMatches(rules: Json[], found: Json | undefined): boolean {
  for (const rule of rules) {
    if (isObject(rule) && 'exists' in rule) {
      const present = found !== undefined && !(Array.isArray(found) && found.length === 0);
      if (rule.exists === present) {
        return true;
      }
      continue;
    }
    if (found === undefined) {
      continue;
    }
    const values = Array.isArray(found) ? found : [found];
    if (values.some((v) => ruleMatches(rule, v))) {
      return true;
    }
  }
  return false;
}

/** Does an EventBridge pattern (or SNS filter policy) match a JSON document? */
export function matchesPattern(pattern: Record<string, any>, document: Record<string, any>): boolean {
  for (const [key, rules] of Object.entries(pattern)) {
    if (key === '$or') {
      if (!(rules as Record<string, any>[]).some((alternative) => matchesPattern(alternative, document))) {
        return false;
      }
      continue;
    }
    if (Array.isArray(rules)) {
      if (!leafMatches(rules, document?.[key])) {
        return false;
      }
    } else if (isObject(rules)) {
      if (Object.keys(rules).some((k) => k.startsWith('Fn::') || k === 'Ref')) {
        throw new Error(`the pattern holds an unresolved CloudFormation value at ${key}: ${JSON.stringify(rules)}`);
      }
      const nested = document?.[key];
      if (!isObject(nested)) {
        // Only `exists: false` leaves could match an absent object.
        if (!matchesPattern(rules, {})) {
          return false;
        }
      } else if (!matchesPattern(rules, nested)) {
        return false;
      }
    } else {
      throw new Error(`malformed pattern at ${key}: ${JSON.stringify(rules)}`);
    }
  }
  return true;
}

/** SNS message attributes as the filter policy sees them (String, Number, String.Array). */
export function attributeDocument(attributes: Record<string, { DataType: string; StringValue?: string }>): Record<string, any> {
  const document: Record<string, any> = {};
  for (const [name, attribute] of Object.entries(attributes)) {
    if (attribute.DataType.startsWith('Number')) {
      document[name] = Number(attribute.StringValue);
    } else if (attribute.DataType === 'String.Array') {
      document[name] = JSON.parse(attribute.StringValue ?? '[]');
    } else {
      document[name] = attribute.StringValue;
    }
  }
  return document;
}
