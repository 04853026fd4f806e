// A seeded fuzzer library: a replayable PRNG and mutators for JSON documents, bytes and image
// headers. Test-only code, beside the reliability tests (and the fuzz bench) that use it; pure (no
// Node, no DOM), so the same mutators could serve in-browser fuzzing too.
export { Random, caseSeed } from './random';
export { mutateJson } from './json-mutators';
export type { JsonMutation, MutateJsonOptions } from './json-mutators';
export { copyOf, mutateBytes, mutateBytesOnce } from './byte-mutators';
export type { ByteMutation } from './byte-mutators';
export { crc32, detectFormat, findJpegSof, mutateImageHeader, setJpegFrame, setPngHeader, setWebpSize } from './image-headers';
export type { HeaderMutation, ImageFormat } from './image-headers';
