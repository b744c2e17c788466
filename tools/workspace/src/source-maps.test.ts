import { afterEach, describe, expect, it } from 'vitest';
import { sourceMapsOnlyForDebugging } from './source-maps';

describe('sourceMapsOnlyForDebugging', () => {
  const before = process.sourceMapsEnabled;
  afterEach(() => process.setSourceMapsEnabled(before));

  it('turns source maps off when nothing asks for them', () => {
    process.setSourceMapsEnabled(true);
    expect(sourceMapsOnlyForDebugging({}, [])).toBe(false);
    expect(process.sourceMapsEnabled).toBe(false);
  });

  it('keeps them with PLATFORM_DEBUG, for the stack trace it prints', () => {
    process.setSourceMapsEnabled(true);
    expect(sourceMapsOnlyForDebugging({ PLATFORM_DEBUG: '1' }, [])).toBe(true);
    expect(process.sourceMapsEnabled).toBe(true);
  });

  it('keeps them when --enable-source-maps is on the command line or in NODE_OPTIONS', () => {
    process.setSourceMapsEnabled(true);
    expect(sourceMapsOnlyForDebugging({}, ['--import', 'tsx', '--enable-source-maps'])).toBe(true);
    expect(sourceMapsOnlyForDebugging({ NODE_OPTIONS: '--max-old-space-size=4096 --enable-source-maps' }, [])).toBe(true);
    expect(process.sourceMapsEnabled).toBe(true);
  });

  it('does not take a longer option that merely starts with the flag for it', () => {
    process.setSourceMapsEnabled(true);
    expect(sourceMapsOnlyForDebugging({ NODE_OPTIONS: '--enable-source-maps-for-nothing' }, [])).toBe(false);
    expect(sourceMapsOnlyForDebugging({ PLATFORM_DEBUG: '' }, [])).toBe(false);
  });
});
