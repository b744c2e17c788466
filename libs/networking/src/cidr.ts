/**
 * Small, pure IPv4 CIDR helpers used to validate network plans before anything is synthesized.
 * Addresses are unsigned 32-bit integers (0 .. 2^32 - 1).
 */

/** The source range of Identity-Aware Proxy TCP forwarding; the only range admin ports should accept. */
export const IAP_TCP_FORWARDING_RANGE = '35.235.240.0/20';

/** An IPv4 CIDR block, as integers. */
export interface ParsedCidr {
  /** The network address (equal to `first`). */
  readonly network: number;
  /** The prefix length, 0 to 32. */
  readonly prefix: number;
  /** The first address of the block. */
  readonly first: number;
  /** The last address of the block. */
  readonly last: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses a dotted-quad octet; leading zeros are refused (some tools read them as octal). */
function octet(text: string): number | undefined {
  if (text.length > 1 && text.startsWith('0')) return undefined;
  const value = Number(text);
  return value <= 255 ? value : undefined;
}

/**
 * Why a text is not a usable IPv4 CIDR block, or `undefined` when it is one.
 * The reason reads after the value, e.g. "is not a valid CIDR (host bits set)".
 */
export function cidrProblem(text: string): string | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return 'is not a valid CIDR (expected a.b.c.d/n)';
  const octets = match.slice(1, 5).map(octet);
  if (octets.some((o) => o === undefined)) return 'is not a valid CIDR (each octet must be 0-255, no leading zeros)';
  const prefix = Number(match[5]);
  if (match[5].length > 1 && match[5].startsWith('0')) return 'is not a valid CIDR (prefix has a leading zero)';
  if (prefix > 32) return 'is not a valid CIDR (prefix must be 0-32)';
  const [a, b, c, d] = octets as number[];
  const address = a * 2 ** 24 + b * 2 ** 16 + c * 2 ** 8 + d;
  if (address % 2 ** (32 - prefix) !== 0) {
    return `is not a valid CIDR (host bits set), did you mean ${formatIpv4(address - (address % 2 ** (32 - prefix)))}/${prefix}?`;
  }
  return undefined;
}

/**
 * Parses an IPv4 CIDR block such as `10.0.0.0/16`.
 * @returns `undefined` if the text is not a CIDR block, including when host bits are set (`10.0.0.1/24`).
 */
export function parseCidr(text: string): ParsedCidr | undefined {
  if (typeof text !== 'string' || cidrProblem(text) !== undefined) return undefined;
  const [address, prefixText] = text.split('/');
  const network = address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
  const prefix = Number(prefixText);
  return { network, prefix, first: network, last: network + 2 ** (32 - prefix) - 1 };
}

function toParsed(cidr: string | ParsedCidr): ParsedCidr {
  if (typeof cidr !== 'string') return cidr;
  const parsed = parseCidr(cidr);
  if (!parsed) throw new Error(`'${cidr}' ${cidrProblem(cidr) ?? 'is not a valid CIDR'}`);
  return parsed;
}

/**
 * Whether two IPv4 CIDR blocks share at least one address.
 * @throws Error if either argument is not a valid CIDR block.
 */
export function cidrsOverlap(a: string | ParsedCidr, b: string | ParsedCidr): boolean {
  const x = toParsed(a);
  const y = toParsed(b);
  return x.first <= y.last && y.first <= x.last;
}

/** Formats an unsigned 32-bit integer as a dotted quad. */
export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}
