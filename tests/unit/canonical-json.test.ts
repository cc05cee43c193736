import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/canonical-json';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units at every depth and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}');
    // RFC 8785 section 3.2.3 sorting example: code-unit order, not locale order.
    const keys = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    const order = ['Carriage Return', 'One', 'Control', 'Latin Small Letter O With Diaeresis', 'Euro Sign', 'Emoji: Grinning Face', 'Hebrew Letter Dalet With Dagesh'];
    const text = canonicalJson(keys);
    const positions = order.map((v) => text.indexOf(v));
    expect(positions.every((p, i) => p > 0 && (i === 0 || p > positions[i - 1]!))).toBe(true);
  });

  it('serializes numbers as ECMAScript does (RFC 8785 appendix B samples)', () => {
    expect(canonicalJson([1e30, 4.5, 0.002, 1e-7, -0, 333333333.3333333, 9007199254740991])).toBe(
      '[1e+30,4.5,0.002,1e-7,0,333333333.3333333,9007199254740991]',
    );
  });

  it('escapes strings minimally', () => {
    expect(canonicalJson({ s: '\u20ac$\u000f\nA\'B"\\\\"/' })).toBe('{"s":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('refuses values JSON cannot carry faithfully', () => {
    expect(() => canonicalJson({ a: NaN })).toThrow(/non-finite/);
    expect(() => canonicalJson({ a: Infinity })).toThrow(/non-finite/);
    expect(() => canonicalJson({ a: 10n })).toThrow(/unsupported bigint/);
  });

  it('names where the refused value sits', () => {
    expect(() => canonicalJson({ a: [1, { b: NaN }] })).toThrow('non-finite number at $.a[1].b');
    expect(() => canonicalJson({ x: 1, y: [{ z: 2 }, { w: () => 1, v: Symbol('s'), u: 3n }] })).toThrow('unsupported bigint at $.y[1].u');
  });

  it('uses toJSON (dates) and omits undefined members', () => {
    expect(canonicalJson({ t: new Date('2026-07-01T00:00:00Z'), u: undefined })).toBe('{"t":"2026-07-01T00:00:00.000Z"}');
  });
});
