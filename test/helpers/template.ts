import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/**
 * An asset hash (64 hex digits, with the extension of the asset file when it
 * has one): the one place snapshots normalise them.
 */
const ASSET_HASH = /[0-9a-f]{64}(\.zip|\.json)?/;

/** True when `text` holds an asset hash. */
export function hasAssetHash(text: string): boolean {
  return ASSET_HASH.test(text);
}

/** `text` with every asset hash replaced by a placeholder (`<asset-hash>`, `<asset-hash>.zip`). */
export function withoutAssetHashes(text: string): string {
  return text.replace(new RegExp(ASSET_HASH.source, 'g'), '<asset-hash>$1');
}

/**
 * The stack's template with asset hashes replaced by a placeholder, for
 * snapshots: a change in a bundled handler must not break the snapshot of a
 * construct's resources.
 */
export function normalizedTemplate(stack: Stack): Record<string, unknown> {
  return JSON.parse(withoutAssetHashes(JSON.stringify(Template.fromStack(stack).toJSON())));
}
