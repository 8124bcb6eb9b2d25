/**
 * IP addresses and CIDR blocks: the one parser used by the EventBridge and SNS
 * parsers and by the machine.
 *
 * Internal module: not part of the jsii API.
 */
import { IpNetwork } from './conditions';

/** How lenient `parseIpBytes` is. */
export interface IpSyntax {
  /** Accept IPv4 parts with leading zeros (`010.0.0.1`), as Java's InetAddress does. @default false */
  readonly leadingZeros?: boolean;
  /** Accept an IPv6 address that ends in an IPv4 address (`::ffff:1.2.3.4`). @default false */
  readonly ipv4Tail?: boolean;
}

const IPV4_PART = /^(0|[1-9][0-9]{0,2})$/;
const IPV4_PART_LEADING_ZEROS = /^[0-9]{1,3}$/;
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/;

/**
 * The bytes of an IPv4 (dotted decimal) or IPv6 (hex groups, at most one `::`)
 * address as written: 4 or 16 of them; undefined when `text` is not one.
 */
export function parseIpBytes(text: string, syntax: IpSyntax = {}): number[] | undefined {
  return text.includes(':') ? parseIpv6(text, syntax) : parseIpv4(text, syntax);
}

function parseIpv4(text: string, syntax: IpSyntax): number[] | undefined {
  const parts = text.split('.');
  const part = syntax.leadingZeros ? IPV4_PART_LEADING_ZEROS : IPV4_PART;
  if (parts.length !== 4 || !parts.every((p) => part.test(p) && Number(p) <= 255)) {
    return undefined;
  }
  return parts.map(Number);
}

function parseIpv6(text: string, syntax: IpSyntax): number[] | undefined {
  const halves = text.split('::');
  if (halves.length > 2) {
    return undefined;
  }
  const parts = halves.map((half) => (half === '' ? [] : half.split(':')));
  if (syntax.ipv4Tail && !replaceIpv4Tail(parts)) {
    return undefined;
  }
  if (!parts.every((groups) => groups.every((g) => HEX_GROUP.test(g)))) {
    return undefined;
  }
  const [head, tail] = parts.map((groups) => groups.map((g) => parseInt(g, 16)));
  return assemble(head, tail ?? [], halves.length === 2);
}

/** Replaces a last group written as an IPv4 address by its two hex groups; false when that address is not valid. */
function replaceIpv4Tail(parts: string[][]): boolean {
  const owner = parts.length === 2 && parts[1].length > 0 ? parts[1] : parts[0];
  const last = owner[owner.length - 1];
  if (last === undefined || !last.includes('.')) {
    return true;
  }
  const v4 = parseIpv4(last, {});
  if (v4 === undefined) {
    return false;
  }
  owner.splice(owner.length - 1, 1, (v4[0] * 256 + v4[1]).toString(16), (v4[2] * 256 + v4[3]).toString(16));
  return true;
}

function assemble(head: readonly number[], tail: readonly number[], compressed: boolean): number[] | undefined {
  const missing = 8 - head.length - tail.length;
  if ((!compressed && missing !== 0) || (compressed && missing < 1)) {
    return undefined;
  }
  const groups = [...head, ...new Array<number>(Math.max(missing, 0)).fill(0), ...tail];
  return groups.flatMap((g) => [Math.floor(g / 256), g % 256]);
}

/**
 * An IPv4-mapped IPv6 address (`::ffff:a00:1`) as its IPv4 bytes, as Java's
 * InetAddress (and so event-ruler) reads it; other addresses unchanged.
 */
export function ipv4IfMapped(bytes: number[] | undefined): number[] | undefined {
  const mapped = bytes !== undefined && bytes.length === 16 && bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return mapped ? bytes.slice(12) : bytes;
}

/** The address a message value holds, as the machine compares it: strict syntax, IPv4-mapped addresses as IPv4. */
export function parseIpAddress(text: string): number[] | undefined {
  return ipv4IfMapped(parseIpBytes(text));
}

/** An address with a prefix length, host bits cleared. */
export function ipNetwork(address: readonly number[], prefixLength: number): IpNetwork {
  const network = address.map((byte, i) => {
    const unit = 2 ** (8 - Math.min(8, Math.max(0, prefixLength - i * 8)));
    return Math.floor(byte / unit) * unit;
  });
  return { network, prefixLength };
}

/** Whether two addresses have the same bytes. */
export function sameAddress(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Whether the address lies in the network (addresses of the other family never do). */
export function inNetwork(address: readonly number[], block: IpNetwork): boolean {
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

/** A CIDR split into its address text and prefix length; undefined when it is not `address/digits`. */
export function splitCidr(cidr: string): { readonly address: string; readonly prefixLength: number } | undefined {
  const parts = cidr.split('/');
  if (parts.length !== 2 || !/^\d{1,3}$/.test(parts[1])) {
    return undefined;
  }
  return { address: parts[0], prefixLength: Number(parts[1]) };
}
