// A count with its noun for messages: "1 image", "3 images", "2 categories".
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}
