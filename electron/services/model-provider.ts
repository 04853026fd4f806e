// The seam between the project service and whatever runs the proposal network (in-process for the
// CLI and tests, a worker thread in the app and the headless host). The service hands over a path to
// the image file; the provider decodes it itself (with EXIF orientation applied), so pixels never
// cross the seam and a worker can do the decoding off the caller's thread.
import type { CocoRle, Instance, ModelStatus, SegmentPrompt } from '../../shared/api/types';
import type { InstanceDescription } from '../../shared/categories/suggester';

/** An image as the provider sees it: an absolute path plus its size after EXIF orientation (pixels). */
export interface ProviderImage {
  path: string;
  width: number;
  height: number;
}

export interface ProposeOptions {
  /** Upper bound on returned proposals, best first. */
  maxProposals: number;
}


export interface ModelProvider {
  status(): ModelStatus;
  /** Proposals for the whole image, status 'proposed', coordinates in image pixels. */
  propose(image: ProviderImage, options: ProposeOptions): Promise<Instance[]>;
  /** The mask the prompt asks for (image pixels), or null if there is none (e.g. nothing scores there). */
  segmentAt(image: ProviderImage, prompt: SegmentPrompt): Promise<Instance | null>;
  /**
   * Describes instances of an image (their masks) for category suggestions: appearance and the
   * detector's class evidence. Null when the loaded model cannot (it has no detector); providers
   * without it leave it out.
   */
  describe?(image: ProviderImage, masks: CocoRle[]): Promise<InstanceDescription[] | null>;
  /**
   * Switches to the weights in modelDir (a bundled network or a project's fine-tune), once calls in
   * flight are done. Rejects, keeping the current weights, when they cannot be loaded. Providers
   * that cannot switch leave it out (the service then refuses to change versions).
   */
  load?(modelDir: string): Promise<ModelStatus>;
  dispose(): Promise<void>;
}
