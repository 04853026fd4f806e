import { afterEach, beforeEach, expect, test, vi } from 'vitest';
import { main } from './main';

let stderr: string;
beforeEach(() => {
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

test.each([
  [['train'], /--coco and --images are required/],
  [['train', '--coco', 'a.json', '--images', 'dir', '--steps', '0'], /--steps must be a positive integer/],
  [['train', '--coco', 'a.json', '--images', 'dir', '--batch', '7'], /--batch must be an even integer/],
  [['train', '--coco', 'a.json', '--images', 'dir', '--lr=-1'], /--lr must be a positive number/],
  [['train', '--coco', 'a.json', '--images', 'dir', '--backend', 'gpu'], /--backend must be/],
  [['train', '--bogus'], /Unknown option '--bogus'/],
])('maskpilot %j is a usage error (exit 2) that says what is wrong', async (argv, message) => {
  expect(await main(argv)).toBe(2);
  expect(stderr).toMatch(message);
  expect(stderr).toContain('Usage: maskpilot train');
});
