/** The scenarios `npm run sim -- <name>` knows, with one line each (kept apart so the banner needs no scenario code). */
export const SCENARIOS = {
  'traveller-qr': 'a traveller scans a valid QR code and walks through the mantrap (grant)',
  'traveller-signed-qr': 'a traveller scans a signed QR credential (EU DCC format, signed by the demo issuer) (grant)',
  'traveller-passport': 'a traveller puts a passport on the reader and walks through (grant)',
  tailgater: 'a valid QR code, and a second person follows the traveller into the mantrap',
  'revoked-qr': 'a traveller scans a revoked QR code (denied at the reader)',
  vehicle: 'a vehicle drives onto the loop: plate and RFID tag match, cargo cleared (barrier opens)',
  'vehicle-mismatch': 'a vehicle whose RFID tag belongs to another vehicle (refer to an officer)',
  'vehicle-on-hold': 'a vehicle whose cargo declaration is on hold (refer to an officer)',
  emergency: 'the emergency button in the people lane is pressed, released, and the lane reset',
  'officer-override': 'a vehicle is held (cargo on hold); an officer inspects it and grants the passage with lanectl',
} as const;

export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];
