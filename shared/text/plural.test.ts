import { describe, expect, test } from 'vitest';
import { plural } from './plural';

describe('plural', () => {
  test('one noun for 1, the plural otherwise (0 included); irregular plurals are given', () => {
    expect(plural(1, 'image')).toBe('1 image');
    expect(plural(0, 'image')).toBe('0 images');
    expect(plural(3, 'category', 'categories')).toBe('3 categories');
    expect(plural(1, 'category', 'categories')).toBe('1 category');
  });
});
