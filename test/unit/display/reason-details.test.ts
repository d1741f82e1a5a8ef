import { describe, expect, it } from 'vitest';
import { REASON_CODES } from '../../../src/decision/types.js';
import { DETAILS } from '../../../src/display/display-state.js';
import { detailForReasons, REASON_DETAILS } from '../../../src/display/reason-details.js';

describe('reason codes on the lane screen', () => {
  it('places every reason code, and only those', () => {
    expect(Object.keys(REASON_DETAILS).sort()).toEqual([...REASON_CODES].sort());
    for (const detail of Object.values(REASON_DETAILS)) if (detail !== null) expect(DETAILS).toContain(detail);
  });

  it('never explains a security finding to the queue', () => {
    const secret = [
      'WATCHLIST_DENY',
      'WATCHLIST_REFER',
      'WATCHLIST_ALERT',
      'PRESENTATION_ATTACK_SUSPECTED',
      'PLATE_RFID_MISMATCH',
      'OFFICER_OVERRIDE',
    ] as const;
    for (const code of secret) expect(REASON_DETAILS[code], code).toBeNull();
    expect(detailForReasons(secret)).toBeUndefined();
  });

  it('takes the first reason that has an explanation, skipping hidden and unknown ones', () => {
    expect(detailForReasons(['WATCHLIST_DENY', 'CREDENTIAL_EXPIRED'])).toBe('credential-expired');
    expect(detailForReasons(['not-a-code', '__proto__', 'toString', 'FACE_BELOW_THRESHOLD'])).toBe('face-not-verified');
    expect(detailForReasons(['STORE_UNAVAILABLE', 'CREDENTIAL_EXPIRED'])).toBe('lane-unavailable');
    expect(detailForReasons([])).toBeUndefined();
  });
});
