import { describe, expect, test } from 'vitest';
import { FileNameMatcher } from './file-name-matcher';

describe('FileNameMatcher', () => {
  test('exact paths, unique suffixes, ambiguity refused', () => {
    const matcher = new FileNameMatcher(['a.jpg', 'x/a.jpg', 'x/y/b.jpg', 'z/b.jpg', 'c.jpg']);
    expect(matcher.match('a.jpg')).toBe('a.jpg');
    expect(matcher.match('./x/a.jpg')).toBe('x/a.jpg');
    expect(matcher.match('/data/x/y/b.jpg')).toBe('x/y/b.jpg');
    expect(matcher.match('b.jpg')).toBeNull();
    expect(matcher.match('other/a.jpg')).toBeNull();
    expect(matcher.match('D:\\set\\c.jpg')).toBe('c.jpg');
    expect(matcher.match('missing.jpg')).toBeNull();
  });
});

describe('FileNameMatcher by name without extension (YOLO labels, LabelMe files)', () => {
  test('paths and suffixes without the extension; two images of one name match neither', () => {
    const matcher = new FileNameMatcher(['images/train/a.jpg', 'b.png', 'x/c.jpg', 'x/c.png', 'y/c.jpg'], { stems: true });
    expect(matcher.match('images/train/a')).toBe('images/train/a.jpg');
    expect(matcher.match('dataset/images/train/a')).toBe('images/train/a.jpg');
    expect(matcher.match('a')).toBe('images/train/a.jpg');
    expect(matcher.match('labels/b')).toBe('b.png'); // the longest suffix that names one image: here the bare name
    expect(matcher.match('b')).toBe('b.png');
    expect(matcher.match('x/c')).toBeNull(); // c.jpg or c.png?
    expect(matcher.match('y/c')).toBe('y/c.jpg');
    expect(matcher.match('images/train/a.jpg')).toBeNull(); // stems are compared without extension
  });
});
