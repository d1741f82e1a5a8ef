/**
 * The contract every MRZ reader driver meets with its simulator in another process (a socat pty
 * between them): documents exact, faults dropped and counted, missing device at start, unplug and
 * replug counted as a reconnect. One suite, run against each framing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MrzDocument, MrzReaderDriver, MrzUnreadable } from '../../../../drivers/mrz/mrz-reader.js';
import { SPECIMEN_MRZ } from '../../../../drivers/sim/mrz-reader-sim.js';
import { DeviceSupervisor } from '../../../../drivers/supervisor.js';
import { systemClock } from '../../../../src/util/clock.js';
import type { Logger } from '../../../../src/util/logger.js';
import { trackHandles } from '../../../helpers/leaks.js';
import { waitUntil } from '../support/wait.js';

export interface MrzRig {
  driver: MrzReaderDriver;
  log: Logger;
  logText(): string;
  send(step: Record<string, unknown>): Promise<void>;
  /** Faults this framing can suffer, each with the counter it must raise. */
  faults: Array<[step: Record<string, unknown>, counter: string]>;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  cleanup(): Promise<void>;
}

export type MakeMrzRig = (deps: { name: string; unplugged?: boolean }) => Promise<MrzRig>;

export function describeMrzContract(name: string, makeRig: MakeMrzRig): void {
  describe(`mrz reader contract: ${name}`, () => {
    let rig: MrzRig | null = null;
    let supervisor: DeviceSupervisor<MrzReaderDriver> | null = null;

    const setUp = async (unplugged = false) => {
      rig = await makeRig({ name: 'contract-mrz', unplugged });
      supervisor = new DeviceSupervisor(rig.driver, { clock: systemClock, log: rig.log, watchIntervalMs: 100 });
      const documents: MrzDocument[] = [];
      const unreadable: MrzUnreadable[] = [];
      rig.driver.on('document', (d) => void documents.push(d));
      rig.driver.on('unreadable', (u) => void unreadable.push(u));
      return { rig, supervisor, documents, unreadable };
    };

    afterEach(async () => {
      await supervisor?.stop();
      await rig?.cleanup();
      supervisor = null;
      rig = null;
    });

    it('hands over TD1, TD2 and TD3 lines exactly, in order, and never logs them', async () => {
      const leaks = trackHandles();
      const { rig, supervisor, documents } = await setUp();
      await supervisor.start();
      for (const format of ['TD3', 'TD1', 'TD2'] as const) await rig.send({ op: 'document', format });
      await waitUntil('three documents', () => documents.length >= 3);
      expect(documents.map((d) => [d.format, d.lines])).toEqual([
        ['TD3', [...SPECIMEN_MRZ.TD3]],
        ['TD1', [...SPECIMEN_MRZ.TD1]],
        ['TD2', [...SPECIMEN_MRZ.TD2]],
      ]);
      for (const line of Object.values(SPECIMEN_MRZ).flat()) expect(rig.logText()).not.toContain(line);
      expect(rig.logText()).not.toContain('L898902C3');
      await supervisor.stop();
      await rig.cleanup();
      await leaks.assertNoneLeft();
    });

    it('drops and counts garbage, spoilt, cut-off, oversize and wrong-baud input, then reads the next document', async () => {
      const { rig, supervisor, documents } = await setUp();
      await supervisor.start();
      for (const [step, counter] of rig.faults) {
        const before = rig.driver.counters()[counter] ?? 0;
        await rig.send(step);
        await waitUntil(`${String(step.op)} counted in ${counter}`, () => (rig.driver.counters()[counter] ?? 0) > before);
      }
      await rig.send({ op: 'document', format: 'TD3' });
      await waitUntil('the document after the faults', () => documents.length >= 1);
      expect(documents[0]?.lines).toEqual([...SPECIMEN_MRZ.TD3]);
      expect(supervisor.health().state).toBe('ok');
    });

    it('reports a document whose OCR failed as unreadable, with a reason', async () => {
      const { rig, supervisor, unreadable, documents } = await setUp();
      await supervisor.start();
      await rig.send({ op: 'document', lines: ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F12041?9ZE184226B<<<<<10'] });
      await waitUntil('unreadable', () => unreadable.length >= 1);
      expect(unreadable[0]?.reason).toBe('characters');
      expect(documents).toEqual([]);
    });

    it('starts without its device and comes up when plugged in; an unplug is noticed and counted as a reconnect', async () => {
      const { rig, supervisor, documents } = await setUp(true);
      await supervisor.start();
      expect(supervisor.health().state).toBe('failed');
      await rig.replug();
      await waitUntil('device up', () => supervisor.health().state === 'ok');
      await rig.unplug();
      await waitUntil('loss noticed', () => supervisor.health().state === 'failed');
      await rig.replug();
      await waitUntil('device back', () => supervisor.health().state === 'ok');
      expect(supervisor.health().reconnects).toBe(2);
      expect(supervisor.health().counters.disconnects).toBe(1);
      await rig.send({ op: 'document', format: 'TD1' });
      await waitUntil('a document after the replug', () => documents.length >= 1);
    });
  });
}
