/**
 * The people flow's face effects: `capture-faces` (the face camera's best face of N frames) and
 * `recognise-face` (1:1 against the subject's enrolled template, then the store's facts again with
 * the live template for 1:N watchlist hits). Answers come back to the flow on the serial queue.
 */
import type { FaceEvidence } from '../../decision/types.js';
import type { PeopleFlowEvent } from '../flow-types.js';
import type { PeopleFlowState } from '../people/people-types.js';
import type { VehicleFlowState } from '../vehicle/vehicle-types.js';
import type { FaceCapture } from './ports.js';
import type { RunnerCore } from './runner-core.js';

export interface FaceStepsHost {
  /** Steps the flow with a face answer (called from the serial queue). */
  step(e: PeopleFlowEvent): void;
  /** The flow's state now (the passage's credential goes with the 1:N lookup). */
  flow(): Readonly<PeopleFlowState | VehicleFlowState>;
}

export class FaceSteps {
  /** Live templates of the passage being captured: memory only, dropped when the passage ends. */
  private readonly templates = new Map<string, FaceCapture>();

  constructor(
    private readonly core: RunnerCore,
    private readonly host: FaceStepsHost,
  ) {}

  /** The passage ended: its live template goes. */
  forget(passage: string): void {
    this.templates.delete(passage);
  }

  clear(): void {
    this.templates.clear();
  }

  capture(passage: string, frames: number): void {
    const { core, host } = this;
    const faces = core.ports.faces;
    if (!faces) {
      core.post(() => host.step({ type: 'faces-captured', at: core.now(), passage, face: null }));
      return;
    }
    faces.capture(frames).then(
      (capture) =>
        core.post(() => {
          this.templates.set(passage, capture);
          host.step({ type: 'faces-captured', at: core.now(), passage, face: capture.face });
        }),
      (err: unknown) =>
        core.post(() => {
          core.adapterFailed('face-camera', err);
          host.step({ type: 'faces-captured', at: core.now(), passage, face: null });
        }),
    );
  }

  recognise(passage: string, subjectId: string | null): void {
    const { core, host } = this;
    const capture = this.templates.get(passage);
    const faces = core.ports.faces;
    if (!faces || !capture?.face || !capture.template) {
      // Nothing to compare: answer with the capture as it is; decide() reports FACE_NOT_COMPARED.
      const face: FaceEvidence | null = capture?.face ?? null;
      if (face) core.post(() => host.step({ type: 'face-recognised', at: core.now(), passage, face }));
      else core.post(() => host.step({ type: 'faces-captured', at: core.now(), passage, face: null }));
      return;
    }
    const { face, template } = capture;
    faces.compare(subjectId, template).then(
      (score) =>
        core.post(() => {
          const passageState = host.flow().passage;
          const credential = passageState && 'credential' in passageState ? passageState.credential : null;
          const facts = core.guard('store', () => core.ports.facts.factsFor({ credential, face }, { now: core.now(), liveFace: template }), null);
          host.step({ type: 'face-recognised', at: core.now(), passage, face: { ...face, matchScore: score }, ...(facts ? { facts } : {}) });
        }),
      (err: unknown) =>
        core.post(() => {
          core.adapterFailed('face-recogniser', err);
          host.step({ type: 'face-recognised', at: core.now(), passage, face });
        }),
    );
  }
}
