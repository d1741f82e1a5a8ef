import type { Lang } from './languages.js';

/**
 * What the lane's screen shows. The state carries keys only (screen, detail, languages), never
 * text typed by anyone or read from a credential: the page renders it through the message
 * catalogue, so no personal data can reach the screen by construction.
 */
export const PEOPLE_SCREENS = [
  'idle',
  'scan-credential',
  'look-at-camera',
  'enter',
  'processing',
  'try-again',
  'proceed',
  'wait-officer',
  'denied',
] as const;

export const VEHICLE_SCREENS = ['vehicle-advance', 'vehicle-stop', 'vehicle-proceed'] as const;

/** Screens either kind of lane may show. */
export const COMMON_SCREENS = ['lane-closed', 'emergency-exit'] as const;

export const SCREENS = [...PEOPLE_SCREENS, ...VEHICLE_SCREENS, ...COMMON_SCREENS] as const;
export type Screen = (typeof SCREENS)[number];

/**
 * Short explanations shown under a screen ("Your pass has expired"). Deliberately coarser than the
 * decision engine's reason codes; see reason-details.ts for the mapping and what is never shown.
 */
export const DETAILS = [
  'code-unreadable',
  'credential-needed',
  'credential-not-valid',
  'credential-expired',
  'credential-not-yet-valid',
  'credential-already-used',
  'face-not-seen',
  'face-not-verified',
  'one-at-a-time',
  'wrong-way',
  'lane-unavailable',
  'driver-pass-needed',
  'plate-unread',
  'vehicle-tag-unread',
  'vehicle-not-authorised',
  'cargo-not-cleared',
  'cargo-inspection',
  'reverse-out',
] as const;
export type Detail = (typeof DETAILS)[number];

export type Light = 'red' | 'green' | 'off';

/**
 * The coloured bar follows the screen so the two can never disagree: green only where the person or
 * vehicle is meant to move (in, through, or out in an emergency), red where they must stay put.
 */
export const SCREEN_LIGHT: Readonly<Record<Screen, Light>> = {
  idle: 'off',
  'scan-credential': 'off',
  'look-at-camera': 'off',
  enter: 'green',
  processing: 'off',
  'try-again': 'off',
  proceed: 'green',
  'wait-officer': 'red',
  denied: 'red',
  'vehicle-advance': 'green',
  'vehicle-stop': 'red',
  'vehicle-proceed': 'green',
  'lane-closed': 'red',
  'emergency-exit': 'green',
};

export type LaneKind = 'people' | 'vehicle';

export interface DisplayLane {
  id: string;
  kind: LaneKind;
  /** Human name from the config (`lane.name`), shown small at the bottom. */
  name?: string;
}

export interface DisplayState {
  lane: DisplayLane;
  screen: Screen;
  /** First = primary (shown big); the rest smaller below. */
  languages: Lang[];
  detail?: Detail;
  light: Light;
  /** Epoch ms (the daemon's clock) of the last show(). */
  updatedAt: number;
}

export interface ShowOptions {
  /** ICAO nationality of the credential's holder when known; used to choose the language, never stored. */
  nationality?: string | null;
  /** Short explanation under the screen. */
  reason?: Detail;
}

export type ShowResult = { ok: true; state: DisplayState } | { ok: false; error: string };

/** What the lane runner needs from the display; lane/ depends on this, not on the HTTP server. */
export interface LaneDisplay {
  show(screen: Screen, opts?: ShowOptions): ShowResult;
  current(): DisplayState;
}

export function isScreen(value: unknown): value is Screen {
  return typeof value === 'string' && (SCREENS as readonly string[]).includes(value);
}

export function isDetail(value: unknown): value is Detail {
  return typeof value === 'string' && (DETAILS as readonly string[]).includes(value);
}
