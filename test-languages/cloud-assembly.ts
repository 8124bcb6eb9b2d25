import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';

/** The CloudFormation templates of a cloud assembly, by stack artifact id. */
export function readTemplates(assemblyDir: string): Record<string, unknown> {
  const manifest = JSON.parse(fs.readFileSync(path.join(assemblyDir, 'manifest.json'), 'utf8'));
  const templates: Record<string, unknown> = {};
  for (const [id, artifact] of Object.entries<any>(manifest.artifacts ?? {})) {
    if (artifact.type === 'aws:cloudformation:stack') {
      templates[id] = JSON.parse(fs.readFileSync(path.join(assemblyDir, artifact.properties.templateFile), 'utf8'));
    }
  }
  return templates;
}

const ASSET_HASH = /\b[0-9a-f]{64}\b/g;
/** A version of aws-cdk-lib in the analytics string: `2.257.0!aws-cdk-lib...`. */
const LIBRARY_VERSION = /(^|[,{])\d+\.\d+\.\d+(-[\w.]+)?!/g;
/** The runtime of the app in the analytics string: `node.js/v20.20.2!jsii-runtime.Runtime`, `Python/3.11.7!...`. */
const APP_RUNTIME = /[^,{}!]+!jsii-runtime\.Runtime/g;

/**
 * The template with what legitimately differs between languages replaced by
 * placeholders: asset hashes (and the asset file names made of them), and in
 * the CDK metadata's analytics string the aws-cdk-lib version and the
 * language runtime (the list of constructs used is kept).
 */
export function normalizeTemplate(template: unknown): unknown {
  const normalized = JSON.parse(JSON.stringify(template).replace(ASSET_HASH, '<asset-hash>'));
  const metadata = normalized?.Resources?.CDKMetadata?.Properties;
  if (typeof metadata?.Analytics === 'string') {
    metadata.Analytics = decodeAnalytics(metadata.Analytics)
      .replace(LIBRARY_VERSION, '$1<aws-cdk-lib-version>!')
      .replace(APP_RUNTIME, '<runtime>!jsii-runtime.Runtime');
  }
  return normalized;
}

/** The aws-cdk-lib version and runtime recorded in a template's CDK metadata. */
export function describeAnalytics(template: any): string {
  const analytics = template?.Resources?.CDKMetadata?.Properties?.Analytics;
  if (typeof analytics !== 'string') {
    return 'no CDK metadata';
  }
  const decoded = decodeAnalytics(analytics);
  const version = /^(\d+\.\d+\.\d+)!/.exec(decoded)?.[1] ?? '?';
  const runtime = /([^,{}!]+)!jsii-runtime\.Runtime/.exec(decoded)?.[1] ?? '?';
  return `aws-cdk-lib ${version}, ${runtime}`;
}

function decodeAnalytics(analytics: string): string {
  const [format, encoding, data] = analytics.split(':');
  if (format !== 'v2' || encoding !== 'deflate64' || data === undefined) {
    return analytics;
  }
  return zlib.gunzipSync(Buffer.from(data, 'base64')).toString('utf8');
}

/**
 * Every difference between two JSON values, one line each: the path, then
 * the expected and the actual value. Objects are compared by key (their order
 * does not matter), arrays element by element.
 */
export function jsonDifferences(expected: unknown, actual: unknown, at = ''): string[] {
  if (isObject(expected) && isObject(actual)) {
    const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
    return keys.flatMap((key) => {
      const child = `${at}/${key}`;
      if (!(key in actual)) {
        return [`${child}: missing (expected ${preview(expected[key])})`];
      }
      if (!(key in expected)) {
        return [`${child}: unexpected ${preview(actual[key])}`];
      }
      return jsonDifferences(expected[key], actual[key], child);
    });
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const lines: string[] = [];
    for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
      if (i >= actual.length) {
        lines.push(`${at}[${i}]: missing (expected ${preview(expected[i])})`);
      } else if (i >= expected.length) {
        lines.push(`${at}[${i}]: unexpected ${preview(actual[i])}`);
      } else {
        lines.push(...jsonDifferences(expected[i], actual[i], `${at}[${i}]`));
      }
    }
    return lines;
  }
  return JSON.stringify(expected) === JSON.stringify(actual) ? [] : [`${at || '/'}: expected ${preview(expected)}, got ${preview(actual)}`];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
