import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/**
 * The stack's template with asset hashes replaced by a placeholder, for
 * snapshots: a change in a bundled handler must not break the snapshot of a
 * construct's resources.
 */
export function normalizedTemplate(stack: Stack): Record<string, unknown> {
  const json = JSON.stringify(Template.fromStack(stack).toJSON());
  return JSON.parse(json.replace(/[0-9a-f]{64}(\.zip|\.json)?/g, '<asset-hash>$1'));
}
