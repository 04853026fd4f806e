/** The text of a thrown value, for a notice ("Could not save: <message>"). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
