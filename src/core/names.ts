import { createHash } from 'crypto';

/**
 * Lengths AWS allows for the descriptions the library writes (CloudFormation
 * template reference of each resource type): a description past its limit
 * fails the deployment, or synth where aws-cdk-lib checks it.
 */
export const DESCRIPTION_LIMITS = {
  /** AWS::Lambda::Function Description: 0 to 256 characters. */
  lambdaFunction: 256,
  /** AWS::IAM::Role and AWS::IAM::ManagedPolicy Description: up to 1000 characters. */
  iam: 1000,
  /** AWS::CloudWatch::Alarm AlarmDescription: 0 to 1024 characters. */
  alarm: 1024,
  /** AWS::KMS::Key Description: 0 to 8192 characters. */
  kmsKey: 8192,
} as const;

/**
 * `text` within `max` characters: unchanged when it fits, otherwise its
 * beginning and its end around `...` (a construct path keeps its most specific
 * part). Descriptions need not be unique, so nothing more is needed.
 */
export function bounded(text: string, max: number): string {
  if (text.length <= max) {
    return text;
  }
  const marker = '...';
  const head = Math.floor((max - marker.length) / 2);
  const tail = max - marker.length - head;
  return text.slice(0, head) + marker + text.slice(text.length - tail);
}

/**
 * `name` followed by `suffix`, within `max` characters. A name that does not
 * fit is cut and followed by 8 hexadecimal characters of a hash of the whole
 * name, so that two names that share their beginning still differ (physical
 * names must be unique in an account and region).
 */
export function nameWithSuffix(name: string, suffix: string, max: number): string {
  if (name.length + suffix.length <= max) {
    return name + suffix;
  }
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, max - suffix.length - hash.length - 1)}-${hash}${suffix}`;
}
