import type { DeviceDriver } from '../contract.js';

/**
 * What every passport/ID-card MRZ reader driver emits. The driver only assembles the machine-readable
 * zone's lines and says which ICAO 9303 format their shape is; parsing and check digits are the job of
 * src/credentials/mrz/ (drivers may not import it), which the lane calls with these lines.
 */
export type MrzFormat = 'TD1' | 'TD2' | 'TD3';

export interface MrzDocument {
  /** TD1: 3 lines of 30 (ID cards); TD2: 2 of 36; TD3: 2 of 44 (passports). Visas share TD2/TD3 shapes. */
  format: MrzFormat;
  /** The lines as read, top first. Personal data: pass on, never log. */
  lines: string[];
  /** Epoch ms at which the document was complete. */
  at: number;
}

export type MrzUnreadableReason = 'line-count' | 'line-length' | 'characters' | 'incomplete';

export interface MrzUnreadable {
  /** Why a document the reader saw could not be assembled (the lane can ask to present it again). */
  reason: MrzUnreadableReason;
  at: number;
}

export type MrzReaderEvents = {
  document: [document: MrzDocument];
  unreadable: [unreadable: MrzUnreadable];
};

export interface MrzReaderDriver extends DeviceDriver<MrzReaderEvents> {
  readonly kind: 'mrz';
}
