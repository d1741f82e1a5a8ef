import type { PlateGrammar } from './plate-grammar.js';

/**
 * Vietnamese plate grammars (Circular 58/2020/TT-BCA and its 2023 successor, as published):
 * - civilian cars: province code 11-99, series letter, 5 digits `29A-123.45` (older 4 digits
 *   `29A-1234`); two-row square plates carry the same characters as `29A` over `123.45`;
 *   a few two-letter series (LD foreign-invested enterprises, KT military enterprises, DA
 *   project vehicles) as `29LD-123.45`;
 * - motorbikes (two rows): province code and series letter + letter-or-digit over 5 or 4
 *   digits, written here `29-A1 123.45` and `29-A1 1234`;
 * - foreign missions and organisations: province code, 3-digit country/organisation code,
 *   NG (diplomatic), NN (foreign organisations and persons), QT (international organisations)
 *   or CV (mission technical staff), 2-digit order number: `80-011-NG-01`;
 * - military: two letters (branch and unit) and 4 digits, `TM-12-34`.
 * Civilian series omit I, J, O, Q, W (R is for trailers); Đ is read as D.
 */
const D = '0123456789';
const L = 'ABCDEFGHKLMNPRSTUVXYZ';
const LETTER_OR_DIGIT = L + D;
const CAR_TWO_LETTER_SERIES = new Set(['LD', 'KT', 'DA']);
const FOREIGN_SERIES = new Set(['NG', 'NN', 'QT', 'CV']);
// Q appears only in QT, which is why these slots are not the civilian letter set.
const FOREIGN_LETTERS = 'CGNQTV';
const MILITARY_BRANCH = 'ABHKQT';

function provinceOk(compact: string): boolean {
  const p = Number(compact.slice(0, 2));
  return p >= 11 && p <= 99;
}

export const VN_GRAMMARS: readonly PlateGrammar[] = [
  { id: 'vn-car-5', country: 'VN', kind: 'vn-car', slots: [D, D, L, D, D, D, D, D], display: '###-###.##', accepts: provinceOk },
  {
    id: 'vn-car-series2-5',
    country: 'VN',
    kind: 'vn-car',
    slots: [D, D, L, L, D, D, D, D, D],
    display: '####-###.##',
    accepts: (c) => provinceOk(c) && CAR_TWO_LETTER_SERIES.has(c.slice(2, 4)),
  },
  { id: 'vn-motorbike-5', country: 'VN', kind: 'vn-motorbike', slots: [D, D, L, LETTER_OR_DIGIT, D, D, D, D, D], display: '##-## ###.##', accepts: provinceOk },
  { id: 'vn-car-4', country: 'VN', kind: 'vn-car', slots: [D, D, L, D, D, D, D], display: '###-####', accepts: provinceOk },
  {
    id: 'vn-car-series2-4',
    country: 'VN',
    kind: 'vn-car',
    slots: [D, D, L, L, D, D, D, D],
    display: '####-####',
    accepts: (c) => provinceOk(c) && CAR_TWO_LETTER_SERIES.has(c.slice(2, 4)),
  },
  { id: 'vn-motorbike-4', country: 'VN', kind: 'vn-motorbike', slots: [D, D, L, LETTER_OR_DIGIT, D, D, D, D], display: '##-## ####', accepts: provinceOk },
  {
    id: 'vn-foreign',
    country: 'VN',
    kind: 'vn-diplomatic',
    slots: [D, D, D, D, D, FOREIGN_LETTERS, FOREIGN_LETTERS, D, D],
    display: '##-###-##-##',
    accepts: (c) => provinceOk(c) && FOREIGN_SERIES.has(c.slice(5, 7)),
  },
  { id: 'vn-military', country: 'VN', kind: 'vn-military', slots: [MILITARY_BRANCH, L, D, D, D, D], display: '##-##-##' },
];
