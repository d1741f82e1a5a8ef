import type { PlateGrammar } from './plate-grammar.js';
import { CN_PROVINCES, CN_SUFFIXES } from './plate-text.js';

/**
 * Chinese plate grammars (GA 36-2018 as published):
 * - standard blue/yellow plates: province character, issuing-authority letter, 5 letters or
 *   digits (I and O are never used): `京A·12345`;
 * - green new-energy plates, 6 characters after the letter: small vehicles start with D
 *   (battery electric) or F (other new energy) `京A·D12345`, large vehicles end with it
 *   `京A·12345D`;
 * - special plates with a suffix character after 4 letters or digits: 港 / 澳 (Hong Kong,
 *   Macao cross-border), 挂 (trailer), 学 (driving school), 警 (police): `粤Z·1234港`.
 * Military, armed-police, embassy and consulate series are not covered.
 */
const D = '0123456789';
const L = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const A = L + D;
const ENERGY = 'DF';

export const CN_GRAMMARS: readonly PlateGrammar[] = [
  { id: 'cn-standard', country: 'CN', kind: 'cn-standard', slots: [CN_PROVINCES, L, A, A, A, A, A], display: '##·#####' },
  { id: 'cn-new-energy-small', country: 'CN', kind: 'cn-new-energy', slots: [CN_PROVINCES, L, ENERGY, A, D, D, D, D], display: '##·######' },
  { id: 'cn-new-energy-large', country: 'CN', kind: 'cn-new-energy', slots: [CN_PROVINCES, L, D, D, D, D, D, ENERGY], display: '##·######' },
  { id: 'cn-suffix', country: 'CN', kind: 'cn-special', slots: [CN_PROVINCES, L, A, A, A, A, CN_SUFFIXES], display: '##·#####' },
];
