// Natural order of POSIX relative paths, the way a person expects a photo folder listed:
// "img2.jpg" before "img10.jpg", folders compared segment by segment, case folded first and the
// raw code units as the final tie-break so the order is total and stable across runs.

const CHUNK = /(\d+)|(\D+)/g;

function chunks(text: string): string[] {
  return text.match(CHUNK) ?? [];
}

function isDigits(chunk: string): boolean {
  const code = chunk.charCodeAt(0);
  return code >= 48 && code <= 57;
}

function compareNumberStrings(a: string, b: string): number {
  // Compare by value without Number() so 30-digit runs cannot lose precision.
  const trimmedA = a.replace(/^0+(?=\d)/, '');
  const trimmedB = b.replace(/^0+(?=\d)/, '');
  if (trimmedA.length !== trimmedB.length) return trimmedA.length - trimmedB.length;
  if (trimmedA !== trimmedB) return trimmedA < trimmedB ? -1 : 1;
  return 0;
}

function compareSegment(a: string, b: string): number {
  const partsA = chunks(a.toLowerCase());
  const partsB = chunks(b.toLowerCase());
  const count = Math.min(partsA.length, partsB.length);
  for (let index = 0; index < count; index += 1) {
    const partA = partsA[index];
    const partB = partsB[index];
    const digitsA = isDigits(partA);
    const digitsB = isDigits(partB);
    let order: number;
    if (digitsA && digitsB) order = compareNumberStrings(partA, partB);
    else if (digitsA !== digitsB) order = digitsA ? -1 : 1;
    else order = partA < partB ? -1 : partA > partB ? 1 : 0;
    if (order !== 0) return order;
  }
  return partsA.length - partsB.length;
}

/** Total order: natural, case-insensitive, then by raw code units (so distinct paths never tie). */
export function compareNaturalPaths(a: string, b: string): number {
  const segmentsA = a.split('/');
  const segmentsB = b.split('/');
  const count = Math.min(segmentsA.length, segmentsB.length);
  for (let index = 0; index < count; index += 1) {
    const order = compareSegment(segmentsA[index], segmentsB[index]);
    if (order !== 0) return order;
  }
  if (segmentsA.length !== segmentsB.length) return segmentsA.length - segmentsB.length;
  return a < b ? -1 : a > b ? 1 : 0;
}
