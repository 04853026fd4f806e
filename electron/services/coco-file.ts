// Reading and writing COCO JSON files. Reads refuse oversized files before loading them, report
// JSON syntax errors with line and column, and validate everything (parseCocoDataset) before the
// caller sees a byte; writes are atomic, so a crash never leaves a half-written export behind.
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ApiError } from '../../shared/api/errors';
import { findJsonSyntaxError } from '../../shared/coco/json-syntax';
import { parseCocoDataset } from '../../shared/coco/validate';
import type { CocoDataset } from '../../shared/coco/schema';
import { writeFileAtomic } from './atomic-write';

/**
 * Default size limit: 500 MiB. V8 cannot hold a string much longer than 512 MiB (2^29 - 24
 * characters), and the parsed objects take several times the file size; COCO's largest official
 * file (train2017 instances) is about 450 MB.
 */
export const DEFAULT_MAX_COCO_BYTES = 500 * 1024 * 1024;

interface ReadJsonOptions {
  /** Files larger than this many bytes are refused without being read. */
  maxBytes?: number;
}

/** Reads, parses and validates a COCO dataset file. Errors name the file and, for bad records, the record. */
export async function readCocoFile(path: string, options: ReadJsonOptions = {}): Promise<CocoDataset> {
  const json = await readJsonFile(path, options);
  return withFileName(path, () => parseCocoDataset(json));
}

/** Runs a validation step and prefixes its INVALID_COCO error with the file's name, keeping the details. */
export function withFileName<T>(path: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof ApiError && error.code === 'INVALID_COCO') {
      throw new ApiError('INVALID_COCO', `${basename(path)}: ${error.message}`, { ...error.details, file: path });
    }
    throw error;
  }
}

/** Reads a JSON file of at most `maxBytes`; syntax errors are reported with line, column and position. */
export async function readJsonFile(path: string, options: ReadJsonOptions = {}): Promise<unknown> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_COCO_BYTES;
  const name = basename(path);
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new ApiError('IO_ERROR', `${name} is not a file`, { file: path });
    size = info.size;
  } catch (error) {
    throw ioError(error, path);
  }
  if (size > maxBytes) {
    throw new ApiError('INVALID_COCO', `${name} is ${formatBytes(size)}, more than the ${formatBytes(maxBytes)} MaskPilot reads`, {
      file: path,
      size,
      limit: maxBytes,
    });
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw ioError(error, path);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // a UTF-8 byte-order mark is not JSON
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw syntaxError(error, text, path);
  }
}

/** Writes a dataset as JSON atomically: a temp file in the same folder, fsync, rename. */
export async function writeCocoFile(path: string, dataset: CocoDataset): Promise<void> {
  await writeJsonFile(path, dataset);
}

export async function writeJsonFile(path: string, value: unknown): Promise<void> {
  const text = JSON.stringify(value);
  try {
    await writeFileAtomic(path, text);
  } catch (error) {
    throw ioError(error, path);
  }
}

function syntaxError(error: unknown, text: string, path: string): ApiError {
  // V8 rarely says where; the scanner does. It can only disagree with JSON.parse on inputs V8
  // rejects for other reasons (e.g. nesting too deep), reported then with V8's own words.
  const found = findJsonSyntaxError(text);
  const reason = error instanceof Error ? error.message : String(error);
  if (found === undefined) return new ApiError('INVALID_COCO', `${basename(path)} could not be parsed as JSON: ${reason}`, { file: path });
  const { position, line, column } = found;
  return new ApiError(
    'INVALID_COCO',
    `${basename(path)} is not valid JSON at line ${line}, column ${column} (position ${position}): ${found.reason}`,
    { file: path, position, line, column },
  );
}

function ioError(error: unknown, path: string): ApiError {
  if (error instanceof ApiError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  const reason = error instanceof Error ? error.message : String(error);
  if (code === 'ENOENT') return new ApiError('NOT_FOUND', `${basename(path)} does not exist (${path})`, { file: path });
  return new ApiError('IO_ERROR', `cannot access ${path}: ${reason}`, { file: path, errno: code });
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
