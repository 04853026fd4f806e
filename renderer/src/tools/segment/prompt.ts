// One segment interaction as plain data, and the pure rules over it: what prompt the model is asked
// (every click so far, the box, the scale, and as previousMask the answer for the clicks before the
// last one), which answers still fit the prompt after clicks are removed, and what a result is
// committed as. interaction.ts drives the requests; the tool's states feed it clicks and keys.
import type { Instance, SegmentBox, SegmentClick } from '../../../../shared/api/types';

/** A result scoring below this (the model's own quality estimate, 0..1) is committed as 'proposed', not 'accepted'. */
export const SEGMENT_ACCEPT_SCORE = 0.5;

export interface Interaction {
  /** Distinguishes interactions, so a late answer finds the one it belongs to (or none). */
  readonly id: number;
  readonly imageId: string;
  /** Oldest first, integer image pixels. */
  clicks: SegmentClick[];
  box: SegmentBox | null;
  scaleIndex: number;
  /** The answer shown (for the current prompt, or for fewer clicks while a newer one is asked). */
  result: Instance | null;
  /** promptKey of the prompt `result` answers; null before the first answer. */
  answeredKey: string | null;
  /** promptKey of a prompt the model failed on: not asked again until the prompt changes. */
  failedKey: string | null;
  /** Answers for the first n clicks (same box and scale), by n: removing clicks keeps the shorter ones valid. */
  answers: Map<number, Instance | null>;
}

export function newInteraction(id: number, imageId: string, start: { click?: SegmentClick; box?: SegmentBox }): Interaction {
  return { id, imageId, clicks: start.click ? [start.click] : [], box: start.box ?? null, scaleIndex: 0, result: null, answeredKey: null, failedKey: null, answers: new Map() };
}

/** Identifies a prompt: equal keys, equal requests (apart from previousMask). */
export function promptKey(interaction: Pick<Interaction, 'clicks' | 'box' | 'scaleIndex'>): string {
  return JSON.stringify([interaction.clicks, interaction.box, interaction.scaleIndex]);
}

export function isEmpty(interaction: Interaction): boolean {
  return interaction.clicks.length === 0 && interaction.box === null;
}

/** True while the current prompt has neither an answer nor a failure. */
export function needsAnswer(interaction: Interaction): boolean {
  const key = promptKey(interaction);
  return !isEmpty(interaction) && key !== interaction.answeredKey && key !== interaction.failedKey;
}

export interface SegmentRequest {
  imageId: string;
  clicks: SegmentClick[];
  box?: SegmentBox;
  previousMask?: Instance['rle'];
  scaleIndex: number;
}

/**
 * The request for the interaction's current prompt. previousMask is the latest answer for fewer
 * clicks: after a new click that is the result on screen; after Backspace it is the answer the last
 * remaining click refined, so the request is the one that click made.
 */
export function requestFor(interaction: Interaction): SegmentRequest {
  let previous: Instance | null = null;
  for (let count = interaction.clicks.length - 1; count >= 0 && previous === null; count--) previous = interaction.answers.get(count) ?? null;
  return {
    imageId: interaction.imageId,
    clicks: interaction.clicks.map((click) => ({ ...click })),
    ...(interaction.box ? { box: { ...interaction.box } } : {}),
    ...(previous ? { previousMask: previous.rle } : {}),
    scaleIndex: interaction.scaleIndex,
  };
}

/**
 * Takes an answer for `request` into the interaction: the result when it answers the current prompt;
 * kept as the answer for its (fewer) clicks and shown meanwhile when clicks were only added since;
 * ignored when clicks were removed or the box or scale changed. Returns whether it answered the current prompt.
 */
export function takeAnswer(interaction: Interaction, request: SegmentRequest, instance: Instance | null): boolean {
  const asked = { clicks: request.clicks, box: request.box ?? null, scaleIndex: request.scaleIndex };
  const key = promptKey(asked);
  if (key === promptKey(interaction)) {
    interaction.result = instance;
    interaction.answeredKey = key;
    interaction.answers.set(request.clicks.length, instance);
    return true;
  }
  const prefix = promptKey({ ...interaction, clicks: interaction.clicks.slice(0, request.clicks.length) });
  if (request.clicks.length < interaction.clicks.length && prefix === key) {
    interaction.answers.set(request.clicks.length, instance);
    interaction.result = instance;
  }
  return false;
}

/** Removes the last click (or, with no clicks left, the box); answers for more clicks than remain are forgotten. */
export function removeLast(interaction: Interaction): void {
  if (interaction.clicks.length > 0) interaction.clicks = interaction.clicks.slice(0, -1);
  else interaction.box = null;
  for (const count of [...interaction.answers.keys()]) if (count > interaction.clicks.length) interaction.answers.delete(count);
  if (interaction.box === null && interaction.clicks.length === 0) interaction.answers.clear();
  // Show the answer already known for what remains at once; the model is asked again all the same
  // (answeredKey cleared), and its answer replaces it.
  interaction.result = interaction.answers.get(interaction.clicks.length) ?? null;
  interaction.answeredKey = null;
  interaction.failedKey = null;
}

/** Another scale of a single click: earlier answers were for another scale, so none is a previous mask. */
export function setScale(interaction: Interaction, scaleIndex: number): void {
  interaction.scaleIndex = scaleIndex;
  interaction.answers.clear();
}

/** What a result is added as: below SEGMENT_ACCEPT_SCORE it waits for a decision ('proposed'). */
export function commitStatus(result: Instance): 'accepted' | 'proposed' {
  return result.score !== null && result.score < SEGMENT_ACCEPT_SCORE ? 'proposed' : 'accepted';
}
