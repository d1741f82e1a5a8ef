import { canonicalisePlate } from '../../credentials/plates/canonical-plate.js';
import { CN_PROVINCES } from '../../credentials/plates/plate-text.js';
import type { SeededRandom } from './seeded-random.js';

/**
 * Random plate numbers for synthetic scenes, one per physical plate style. Every number is
 * checked against the plate grammars (credentials/plates), so a scene never shows a plate the
 * reader would be right to refuse.
 */
export type PlateStyle = 'vn-car-long' | 'vn-car-square' | 'vn-moto' | 'cn-blue' | 'cn-yellow-two-row';

export const PLATE_STYLES: readonly PlateStyle[] = ['vn-car-long', 'vn-car-square', 'vn-moto', 'cn-blue', 'cn-yellow-two-row'];

export interface PlateSpec {
  style: PlateStyle;
  country: 'VN' | 'CN';
  /** Printed rows, top first, with separators as on the plate. */
  rows: string[];
  /** Letters, digits and Chinese characters: what a correct reading returns. */
  compact: string;
}

const DIGITS = '0123456789';
const VN_SERIES = 'ABCDEFGHKLMNPSTUVXYZ';
const CN_LETTERS = 'ABCDEFGHJKLMNPQRSTUVWXYZ';

function digits(rng: SeededRandom, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += rng.pick([...DIGITS]);
  return s;
}

function vnProvince(rng: SeededRandom): string {
  return String(rng.int(11, 99));
}

function make(rng: SeededRandom, style: PlateStyle): PlateSpec {
  switch (style) {
    case 'vn-car-long': {
      const p = vnProvince(rng) + rng.pick([...VN_SERIES]);
      const d = digits(rng, 5);
      return { style, country: 'VN', rows: [`${p}-${d.slice(0, 3)}.${d.slice(3)}`], compact: p + d };
    }
    case 'vn-car-square': {
      const p = vnProvince(rng) + rng.pick([...VN_SERIES]);
      const d = digits(rng, 5);
      return { style, country: 'VN', rows: [p, `${d.slice(0, 3)}.${d.slice(3)}`], compact: p + d };
    }
    case 'vn-moto': {
      const p = vnProvince(rng);
      const series = rng.pick([...VN_SERIES]) + String(rng.int(1, 9));
      const five = rng.next() < 0.7;
      const d = digits(rng, five ? 5 : 4);
      return { style, country: 'VN', rows: [`${p}-${series}`, five ? `${d.slice(0, 3)}.${d.slice(3)}` : d], compact: p + series + d };
    }
    case 'cn-blue': {
      const head = rng.pick([...CN_PROVINCES]) + rng.pick([...CN_LETTERS]);
      let tail = '';
      for (let i = 0; i < 5; i++) tail += rng.next() < 0.75 ? rng.pick([...DIGITS]) : rng.pick([...CN_LETTERS]);
      return { style, country: 'CN', rows: [`${head}·${tail}`], compact: head + tail };
    }
    case 'cn-yellow-two-row': {
      const head = rng.pick([...CN_PROVINCES]) + rng.pick([...CN_LETTERS]);
      const tail = rng.next() < 0.2 ? `${digits(rng, 4)}挂` : digits(rng, 5);
      return { style, country: 'CN', rows: [head, tail], compact: head + tail };
    }
  }
}

export function randomPlate(rng: SeededRandom, style: PlateStyle): PlateSpec {
  for (let attempt = 0; attempt < 20; attempt++) {
    const spec = make(rng, style);
    const check = canonicalisePlate(spec.rows.join(' '), { country: spec.country });
    if (check.ok && check.compact === spec.compact) return spec;
  }
  throw new Error(`no valid ${style} plate generated`);
}
