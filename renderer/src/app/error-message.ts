import { describeError } from '../client/describe-error';

/** The text of a thrown value in plain words, for a notice ("Could not save: <message>"). */
export function errorMessage(error: unknown): string {
  return describeError(error);
}
