import { describe, expect, it } from 'vitest';
import { formatCount } from '../source/format.js';

describe('formatCount', () => {
  it('groups whole numbers by thousands as en-US does', () => {
    for (const value of [0, 7, 999, 1000, 12_345, 999_999, 1_000_000, 20_000_000_001, -1234, -999])
      expect(formatCount(value)).toBe(value.toLocaleString('en-US'));
    expect(formatCount(1_234_567)).toBe('1,234,567');
  });

  it('leaves fractions to Intl', () => {
    expect(formatCount(1234.5)).toBe('1,234.5');
  });
});
