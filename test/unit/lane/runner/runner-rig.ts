/**
 * A lane runner on small real fakes: a FakeClock, an in-memory journal that can be told to fail,
 * recorded barrier commands and display screens. Tests drive device inputs and read what happened
 * in order (`log`), so "journal before movement" is checked on the sequence itself.
 */
import pino from 'pino';
import { DEFAULT_PEOPLE_POLICY, DEFAULT_VEHICLE_POLICY } from '../../../../src/decision/index.js';
import type { Evidence, Facts, Policy } from '../../../../src/decision/types.js';
import type { JournalDraft } from '../../../../src/lane/flow-types.js';
import { DEFAULT_PEOPLE_TIMEOUTS } from '../../../../src/lane/people/index.js';
import { DEFAULT_VEHICLE_TIMEOUTS } from '../../../../src/lane/vehicle/index.js';
import { LaneRunner, type RunnerInputs } from '../../../../src/lane/runner/lane-runner.js';
import type { FacePort, Presentation } from '../../../../src/lane/runner/ports.js';
import type { RunnerWiring } from '../../../../src/lane/runner/runner-config.js';
import type { JsonValue } from '../../../../src/store/canonical-json.js';
import { FakeClock } from '../../../../src/util/fake-clock.js';

// The same valid QR credential the people-flow tests present.
import { CREDENTIAL } from '../people/fixtures.js';
export { CREDENTIAL };

export function goodFacts(over: Partial<Facts> = {}): Facts {
  return {
    storeHealthy: true,
    listAgesMs: { credentials: 1_000, subjects: 1_000, watchlist: 1_000, vehicles: 1_000, cargo: 1_000 },
    credential: { status: 'active', subjectId: 's1', validFrom: null, validUntil: null },
    subject: { subjectId: 's1', category: 'border-resident', validFrom: null, validUntil: null, allowedDirections: ['entry'], enrolledTemplateModelId: 'face-m1' },
    vehicleByPlate: null,
    vehicleByEpc: null,
    cargo: null,
    watchlistHits: [],
    ...over,
  };
}

export const PEOPLE_WIRING: RunnerWiring = {
  kind: 'people',
  targets: { 'entry-door': 'entry-door', 'exit-door': 'exit-door' },
  interlock: {
    barriers: [
      { id: 'entry-door', role: 'egress-door', presence: ['entry-beam'] },
      { id: 'exit-door', role: 'egress-door', presence: ['exit-beam'] },
    ],
  },
  neededDevices: ['qr-entry', 'entry-door', 'exit-door'],
  entryBeam: 'entry-beam',
  exitBeam: 'exit-beam',
  timeouts: { ...DEFAULT_PEOPLE_TIMEOUTS },
  faceFrames: 3,
  maxFaceAttempts: 2,
};

export const VEHICLE_WIRING: RunnerWiring = {
  kind: 'vehicle',
  targets: { barrier: 'boom' },
  interlock: { barriers: [{ id: 'boom', role: 'vehicle-barrier', presence: ['loop-1'] }] },
  neededDevices: ['boom', 'plate-front'],
  loop: 'loop-1',
  timeouts: { ...DEFAULT_VEHICLE_TIMEOUTS },
  rearCamera: false,
};

export interface RigOptions {
  wiring?: RunnerWiring;
  policy?: Partial<Policy>;
  facts?: (e: Evidence) => Facts;
  faces?: FacePort | null;
}

export class RunnerRig {
  readonly clock = new FakeClock();
  /** Everything that happened, in order: `journal:<outcome>`, `move:<barrier>:<action>`, `screen:<name>`, `alarm:<kind>`. */
  readonly log: string[] = [];
  readonly records: JournalDraft[] = [];
  readonly published: Array<{ topic: string; payload: JsonValue }> = [];
  readonly redeemed: string[] = [];
  journalFails = false;
  /** Report each commanded movement as done (a barrier with limit switches that always arrives). */
  autoPosition = false;
  factsThrow = false;
  readonly runner: LaneRunner;
  private seq = 0;

  constructor(opts: RigOptions = {}) {
    const wiring = opts.wiring ?? PEOPLE_WIRING;
    const base = wiring.kind === 'people' ? DEFAULT_PEOPLE_POLICY : DEFAULT_VEHICLE_POLICY;
    const policy: Policy = { ...base, requireFace: false, ...opts.policy };
    this.runner = new LaneRunner({
      wiring,
      ports: {
        clock: this.clock,
        log: pino({ level: 'silent' }),
        credentials: {
          evidenceOf: (p: Presentation) => (p.kind === 'qr' && p.text === 'GOOD-TOKEN-0123456789' ? { ok: true, credential: CREDENTIAL } : { ok: false, problem: 'TOKEN_TOO_SHORT' }),
        },
        facts: {
          factsFor: (e) => {
            if (this.factsThrow) throw new Error('database is locked');
            return opts.facts ? opts.facts(e) : goodFacts();
          },
        },
        journal: {
          append: (record) => {
            if (this.journalFails) throw new Error('SQLITE_FULL: database or disk is full');
            this.records.push(record);
            this.log.push(`journal:${record.outcome}`);
            this.seq += 1;
            return { passageId: `0190a0b0-0000-7000-8000-${String(this.seq).padStart(12, '0')}`, seq: this.seq };
          },
          redeem: (idHash) => {
            this.redeemed.push(idHash);
            return 'consumed';
          },
          publish: (topic, payload) => {
            this.published.push({ topic, payload });
            if (topic === 'event/alarm') this.log.push(`alarm:${String((payload as { kind?: string; code?: string }).kind ?? (payload as { code?: string }).code)}`);
          },
        },
        actuators: {
          command: async (barrier, action) => {
            this.log.push(`move:${barrier}:${action}`);
            if (this.autoPosition) this.runner.position(barrier, action === 'open' || action === 'hold-open' ? 'opened' : action === 'stop' ? 'stopped' : 'closed', 0);
          },
        },
        faces: opts.faces ?? null,
        display: {
          show: (screen) => {
            this.log.push(`screen:${screen}`);
            return { ok: true, state: {} as never };
          },
          current: () => ({}) as never,
        },
        policy: () => policy,
      },
    });
  }

  get inputs(): RunnerInputs {
    return this.runner;
  }

  async start(): Promise<void> {
    await this.runner.start();
  }

  /** Lets every queued step and every answer it produced run (answers queue further steps). */
  async settle(): Promise<void> {
    for (let i = 0; i < 30; i++) {
      await this.runner.idle();
      await new Promise((r) => setImmediate(r));
    }
  }

  async advance(ms: number): Promise<void> {
    this.clock.advance(ms);
    await this.settle();
  }

  moves(): string[] {
    return this.log.filter((l) => l.startsWith('move:'));
  }

  indexOf(entry: string): number {
    return this.log.indexOf(entry);
  }
}
