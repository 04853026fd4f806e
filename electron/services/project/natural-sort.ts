// Natural order of POSIX relative paths, the way a person expects a photo folder listed:
// "img2.jpg" before "img10.jpg", folders compared segment by segment, case folded first and the
// raw code units as the final tie-break so the order is total and stable across runs.
//
// Each path becomes one sort key string that orders correctly under plain code-unit comparison,
// so sorting 10,000 paths costs one key per path plus fast string compares:
//   segment end -> "\u0000"; digit run -> "\u0001" + char(32 + length) + digits (leading zeros
//   dropped, so length then digits compares by value); other text -> "\u0002" + lower-cased text.

const CHUNK = /(\d+)|(\D+)/g;

export function naturalSortKey(path: string): string {
  let key = '';
  for (const segment of path.split('/')) {
    for (const [, digits, text] of segment.toLowerCase().matchAll(CHUNK)) {
      if (digits !== undefined) {
        const value = digits.replace(/^0+(?=\d)/, '');
        key += `\u0001${String.fromCharCode(32 + Math.min(value.length, 65_000))}${value}`;
      } else key += `\u0002${text}`;
    }
    key += '\u0000';
  }
  return key;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total order: natural, case-insensitive, then by raw code units (so distinct paths never tie). */
export function compareNaturalPaths(a: string, b: string): number {
  return compareStrings(naturalSortKey(a), naturalSortKey(b)) || compareStrings(a, b);
}

/** Sorts items by the natural order of their paths, computing each sort key once (fast for 10,000+). */
export function sortByNaturalPath<T>(items: T[], pathOf: (item: T) => string): T[] {
  const keyed = items.map((item) => ({ item, path: pathOf(item), key: naturalSortKey(pathOf(item)) }));
  keyed.sort((a, b) => compareStrings(a.key, b.key) || compareStrings(a.path, b.path));
  return keyed.map((entry) => entry.item);
}
