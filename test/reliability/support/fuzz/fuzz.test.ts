// The fuzzer's own guarantees: replayable from a seed, never damaging its input (Node's Buffer
// returns views from slice(), an easy way to corrupt the seed corpus silently), header rewrites
// that land where the formats put their sizes.
import sharp from 'sharp';
import { describe, expect, test } from 'vitest';
import { caseSeed, copyOf, crc32, mutateBytes, mutateImageHeader, mutateJson, Random, setJpegFrame, setPngHeader, setWebpSize } from './index';

describe('Random', () => {
  test('the same seed gives the same sequence; another seed another one', () => {
    const draw = (seed: number) => Array.from({ length: 5 }, ((random) => () => random.nextUint32())(new Random(seed)));
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(caseSeed(1, 0)).not.toBe(caseSeed(1, 1));
  });

  test('int stays within its inclusive bounds and reaches both', () => {
    const random = new Random(3);
    const seen = new Set(Array.from({ length: 500 }, () => random.int(2, 5)));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
  });
});

describe('mutators never modify their input', () => {
  test('bytes given as a Buffer', () => {
    const input = Buffer.from(Array.from({ length: 300 }, (_, index) => index % 256));
    const before = Buffer.from(input);
    const random = new Random(9);
    for (let index = 0; index < 200; index += 1) mutateBytes(input, random);
    expect(input.equals(before)).toBe(true);
    const copy = copyOf(input, 1, 3);
    copy[0] = 99;
    expect(input[1]).toBe(1);
  });

  test('JSON values', () => {
    const input = { images: [{ id: 1, width: 4 }], nested: { list: [1, 2, 3], text: 'abc' } };
    const before = JSON.stringify(input);
    const random = new Random(5);
    const texts = new Set<string>();
    for (let index = 0; index < 60; index += 1) texts.add(mutateJson(input, random).text);
    expect(JSON.stringify(input)).toBe(before);
    expect(texts.size).toBeGreaterThan(30);
  });
});

describe('image header rewrites', () => {
  const base = () => sharp({ create: { width: 37, height: 23, channels: 3, background: '#808080' } });

  test('PNG IHDR size with a valid CRC, JPEG SOF size, WebP canvas size as a decoder reads them', async () => {
    const png = setPngHeader(await base().png().toBuffer(), { width: 70_000, height: 3 }) as Uint8Array;
    expect(await sharp(png, { limitInputPixels: false }).metadata()).toMatchObject({ width: 70_000, height: 3 });
    const jpeg = setJpegFrame(await base().jpeg().toBuffer(), { width: 65_000, height: 12 }) as Uint8Array;
    expect(await sharp(jpeg, { limitInputPixels: false }).metadata()).toMatchObject({ width: 65_000, height: 12 });
    for (const webp of [await base().webp().toBuffer(), await base().webp({ lossless: true }).toBuffer()]) {
      const resized = setWebpSize(webp, 300, 200) as Uint8Array;
      expect(await sharp(resized, { limitInputPixels: false }).metadata()).toMatchObject({ width: 300, height: 200 });
    }
  });

  test('crc32 matches the PNG check value of "IEND"', () => {
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
  });

  test('mutateImageHeader recognises the three formats and ignores others', async () => {
    const random = new Random(11);
    expect(mutateImageHeader(await base().png().toBuffer(), random)?.description).toMatch(/^png IHDR/);
    expect(mutateImageHeader(await base().jpeg().toBuffer(), random)?.description).toMatch(/^jpeg SOF/);
    expect(mutateImageHeader(await base().webp().toBuffer(), random)?.description).toMatch(/^webp size/);
    expect(mutateImageHeader(new Uint8Array([1, 2, 3]), random)).toBeNull();
  });
});
