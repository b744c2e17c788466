import { describe, expect, it } from 'vitest';
import { cidrProblem, cidrsOverlap, formatIpv4, IAP_TCP_FORWARDING_RANGE, parseCidr } from './cidr';

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/8', { network: 0x0a000000, prefix: 8, first: 0x0a000000, last: 0x0affffff }],
    ['192.168.1.0/24', { network: 0xc0a80100, prefix: 24, first: 0xc0a80100, last: 0xc0a801ff }],
    ['0.0.0.0/0', { network: 0, prefix: 0, first: 0, last: 0xffffffff }],
    ['255.255.255.255/32', { network: 0xffffffff, prefix: 32, first: 0xffffffff, last: 0xffffffff }],
  ])('reads %s as its first and last address', (text, expected) => {
    expect(parseCidr(text)).toEqual(expected);
  });

  it.each([
    ['host bits set', '10.0.0.1/24'],
    ['prefix above 32', '10.0.0.0/33'],
    ['octet above 255', '256.0.0.0/8'],
    ['three octets', '10.0.0/8'],
    ['no prefix', '10.0.0.0'],
    ['empty text', ''],
    ['surrounding spaces', ' 10.0.0.0/8 '],
    ['leading zero in an octet', '010.0.0.0/8'],
    ['leading zero in the prefix', '10.0.0.0/08'],
    ['negative prefix', '10.0.0.0/-1'],
    ['names instead of numbers', 'a.b.c.d/8'],
    ['an IPv6 range', 'fd00::/8'],
  ])('refuses %s (%s)', (_reason, text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe('cidrProblem', () => {
  it('says host bits are set and suggests the network address', () => {
    expect(cidrProblem('10.0.0.1/24')).toBe('is not a valid CIDR (host bits set), did you mean 10.0.0.0/24?');
  });

  it('says nothing about a valid block', () => {
    expect(cidrProblem('172.16.0.0/12')).toBeUndefined();
  });
});

describe('cidrsOverlap', () => {
  it.each([
    ['a block and one inside it', '10.0.0.0/8', '10.1.0.0/16', true],
    ['identical blocks', '10.0.0.0/24', '10.0.0.0/24', true],
    ['the whole internet and anything', '0.0.0.0/0', '192.168.0.0/16', true],
    ['blocks that share only a boundary address', '10.0.0.0/23', '10.0.1.0/24', true],
    ['adjacent blocks', '10.0.0.0/24', '10.0.1.0/24', false],
    ['distant blocks', '10.0.0.0/8', '172.16.0.0/12', false],
  ])('for %s is %s', (_case, a, b, expected) => {
    expect(cidrsOverlap(a, b)).toBe(expected);
    expect(cidrsOverlap(b, a)).toBe(expected);
  });

  it('accepts parsed blocks as well as text', () => {
    expect(cidrsOverlap(parseCidr('10.0.0.0/16')!, '10.0.255.0/24')).toBe(true);
  });

  it('refuses to compare an invalid block', () => {
    expect(() => cidrsOverlap('10.0.0.1/24', '10.0.0.0/8')).toThrow(/'10.0.0.1\/24' is not a valid CIDR \(host bits set\)/);
  });
});

describe('IAP_TCP_FORWARDING_RANGE', () => {
  it('is the published IAP TCP forwarding source range', () => {
    expect(IAP_TCP_FORWARDING_RANGE).toBe('35.235.240.0/20');
    expect(parseCidr(IAP_TCP_FORWARDING_RANGE)?.prefix).toBe(20);
  });
});

describe('formatIpv4', () => {
  it('formats the first and last address of a block', () => {
    const block = parseCidr('10.20.4.0/22')!;
    expect([formatIpv4(block.first), formatIpv4(block.last)]).toEqual(['10.20.4.0', '10.20.7.255']);
  });
});
