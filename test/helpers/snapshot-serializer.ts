/**
 * Jest snapshot serializer (the `snapshotSerializers` of the jest config):
 * every string a snapshot holds is printed with its asset hashes replaced as
 * normalizedTemplate (./template.ts) replaces them, so that any snapshot, a
 * template or a part of one, stays the same when a bundled handler changes.
 */
import { hasAssetHash, withoutAssetHashes } from './template';

/** Prints a value as the rest of the snapshot is printed. */
type Printer = (value: unknown, config: unknown, indentation: string, depth: number, refs: unknown) => string;

export function test(value: unknown): boolean {
  return typeof value === 'string' && hasAssetHash(value);
}

export function serialize(value: string, config: unknown, indentation: string, depth: number, refs: unknown, printer: Printer): string {
  return printer(withoutAssetHashes(value), config, indentation, depth, refs);
}
