// The segment tool's interactions with the model. One interaction is open at a time: clicks (left
// positive, right or Alt negative), an optional box and a scale make its prompt, and its result is
// shown as a pending mask, never in the document. Enter (or switching image or tool) commits it as
// one undoable command; Escape cancels it, leaving document and history untouched.
//
// Requests are sequential: one in flight; clicks made meanwhile are kept (and drawn) at once and the
// next request carries all of them, so none is lost and answers are taken in order. A committed
// interaction whose answer is still coming waits in `closing` and is added when it arrives.
import type { Instance, SegmentBox, SegmentClick } from '../../../../shared/api/types';
import { describeError } from '../../client/describe-error';
import { DUPLICATE_IOU, maskOverlaps } from '../../editing/duplicates';
import { addInstances } from '../../state/commands';
import { newInstanceId } from '../../state/document';
import type { SegmentInteractionView } from '../../state/ephemeral';
import type { Editor } from '../editor';
import { commitStatus, isEmpty, needsAnswer, newInteraction, promptKey, removeLast, requestFor, SEGMENT_ACCEPT_SCORE, setScale, takeAnswer } from './prompt';
import type { Interaction } from './prompt';


export class SegmentInteractions {
  private open: Interaction | null = null;
  /** Committed, waiting for the answer to their last prompt; added in this order. */
  private closing: Interaction[] = [];
  private inFlight = false;
  private nextId = 1;

  constructor(private readonly editor: Editor) {}

  get isOpen(): boolean {
    return this.open !== null;
  }

  /** A click on the current image (image pixels). The first click must be positive unless there is a box. */
  click(imageId: string, click: SegmentClick): void {
    if (this.open && this.open.imageId !== imageId) this.commit();
    const open = this.open;
    if (!open) {
      if (!click.positive) {
        this.editor.notify('info', 'Start with a left click on the object (or drag a box); right click or Alt+click then marks background.');
        return;
      }
      this.open = newInteraction(this.nextId++, imageId, { click });
    } else {
      const last = open.clicks[open.clicks.length - 1];
      // A double click sends the same click twice: one is enough.
      if (last && last.x === click.x && last.y === click.y && last.positive === click.positive) return;
      open.clicks = [...open.clicks, click];
    }
    this.changed();
  }

  /** A dragged box starts a new interaction (the open one is committed first). */
  startBox(imageId: string, box: SegmentBox): void {
    if (this.open) this.commit();
    this.open = newInteraction(this.nextId++, imageId, { box });
    this.changed();
  }

  /** Steps the scale of a single click (no box, one click); false when there is no such interaction. */
  stepScale(delta: 1 | -1): boolean {
    const open = this.open;
    if (!open || open.box || open.clicks.length !== 1) return false;
    const scaleIndex = Math.max(0, open.scaleIndex + delta);
    if (scaleIndex === open.scaleIndex) return true;
    setScale(open, scaleIndex);
    this.changed();
    return true;
  }

  /** Backspace: removes the last click (or the box); with nothing left the interaction ends, adding nothing. */
  removeLastClick(): boolean {
    const open = this.open;
    if (!open) return false;
    removeLast(open);
    if (isEmpty(open)) this.open = null;
    this.changed();
    return true;
  }

  /**
   * Ctrl+Z inside the tool: takes back a commit still waiting for its answer (so one undo removes
   * what Enter added, even before it landed), else the last click. False when neither applies.
   */
  undo(): boolean {
    if (this.closing.length > 0) {
      this.closing.pop();
      this.editor.notify('info', 'Undid the segment result before it was added.');
      this.changed();
      return true;
    }
    return this.removeLastClick();
  }

  /** Enter: adds the result (once it answers the last click) as one undoable command. */
  commit(): boolean {
    const open = this.open;
    if (!open) return false;
    this.open = null;
    this.closing.push(open);
    this.changed();
    return true;
  }

  /** Escape: the interaction ends, nothing is added, the history is untouched. */
  cancel(): boolean {
    if (!this.open) return false;
    this.open = null;
    this.changed();
    return true;
  }

  setBoxDraft(box: SegmentBox | null): void {
    this.editor.setEphemeral({ segmentBoxDraft: box });
  }

  /** After any change: add what is ready, ask what needs asking, show the state. */
  private changed(): void {
    this.addReady();
    this.ask();
    this.publish();
  }

  private addReady(): void {
    while (this.closing.length > 0 && !needsAnswer(this.closing[0])) this.add(this.closing.shift()!);
  }

  private ask(): void {
    if (this.inFlight) return;
    const target = this.closing.find(needsAnswer) ?? (this.open && needsAnswer(this.open) ? this.open : null);
    if (!target) return;
    const request = requestFor(target);
    this.inFlight = true;
    this.editor.segmentAt(request).then(
      ({ instance }) => {
        this.inFlight = false;
        const owner = this.find(target.id);
        if (owner && takeAnswer(owner, request, instance) && !instance) {
          this.editor.notify('info', request.scaleIndex > 0 ? 'No larger object found at that point.' : 'No object found there.');
        }
        this.changed();
      },
      (error: unknown) => {
        this.inFlight = false;
        const owner = this.find(target.id);
        if (owner && promptKey(owner) === promptKey({ clicks: request.clicks, box: request.box ?? null, scaleIndex: request.scaleIndex })) {
          owner.failedKey = promptKey(owner);
          this.editor.notify('error', `Segmenting failed: ${describeError(error)} (Backspace removes the click)`);
        }
        this.changed();
      },
    );
  }

  private find(id: number): Interaction | undefined {
    return this.open?.id === id ? this.open : this.closing.find((interaction) => interaction.id === id);
  }

  /** Adds a committed interaction's result to its image as one command. */
  private add(interaction: Interaction): void {
    const result = interaction.result;
    if (!result) {
      this.editor.notify('info', 'Nothing added: the model found no object for that prompt.');
      return;
    }
    const document = this.editor.getState().document.images[interaction.imageId];
    if (!document) {
      this.editor.notify('error', `Nothing added: ${interaction.imageId} is no longer loaded.`);
      return;
    }
    const id = document.instances[result.id] ? newInstanceId(document, 'click') : result.id;
    const status = commitStatus(result);
    // The session's prompt goes with it: the learning loop trains the click model on the user's own clicks.
    const instance: Instance = { ...result, id, source: 'click', status, prompt: { clicks: interaction.clicks.map((click) => ({ ...click })), ...(interaction.box ? { box: { ...interaction.box } } : {}) } };
    // Added all the same (the user asked for it), but never silently on top of the same object.
    const others = document.order.map((other) => document.instances[other]).filter((other) => other !== undefined && other.status !== 'rejected');
    const best = bestOverlap(result, others);
    this.editor.execute(addInstances(document, [instance], 'Click to segment'));
    if (this.editor.getState().session.currentImageId === interaction.imageId) this.editor.select({ instanceId: id, vertex: null });
    const score = result.score === null ? '' : ` (score ${result.score.toFixed(2)})`;
    const added =
      status === 'accepted'
        ? `Added${score}.`
        : `Added as proposed, not accepted: score ${result.score?.toFixed(2)} is below ${SEGMENT_ACCEPT_SCORE.toFixed(2)}. A accepts it, R rejects it.`;
    const duplicate = best >= DUPLICATE_IOU ? ` It covers an instance already there (mask IoU ${best.toFixed(2)}); Ctrl+Z takes it back.` : '';
    this.editor.notify('info', added + duplicate);
  }

  private publish(): void {
    const open = this.open;
    const view: SegmentInteractionView | null = open
      ? {
          imageId: open.imageId,
          clicks: open.clicks,
          box: open.box,
          scaleIndex: open.scaleIndex,
          result: open.result,
          pending: needsAnswer(open),
          commitStatus: open.result ? commitStatus(open.result) : null,
        }
      : null;
    this.editor.setEphemeral({ segment: view, segmentPending: this.inFlight || this.closing.length > 0 });
  }
}

/** The largest mask IoU of `result` with any of `others`; 0 when a mask cannot be read (the check only informs). */
function bestOverlap(result: Instance, others: readonly Instance[]): number {
  try {
    return Math.max(0, ...(maskOverlaps([result], others)[0] ?? []));
  } catch {
    return 0;
  }
}
