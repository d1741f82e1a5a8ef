/**
 * The contract every RFID reader driver meets with its simulator in another process: serial
 * UHFReader18 and R2000 over socat ptys, LLRP over loopback TCP. One suite, run against each.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { RfidReaderDriver, TagRead } from '../../../../drivers/rfid/rfid-reader.js';
import { DeviceSupervisor } from '../../../../drivers/supervisor.js';
import { systemClock } from '../../../../src/util/clock.js';
import type { Logger } from '../../../../src/util/logger.js';
import { trackHandles } from '../../../helpers/leaks.js';
import { waitUntil } from '../support/wait.js';

export interface SimTag {
  epc: string;
  rssi?: number;
  antenna?: number;
}

export type RfidFault = 'garbage' | 'bad-checksum' | 'partial' | 'oversize' | 'wrong-baud' | 'malformed';

export interface RfidRig {
  driver: RfidReaderDriver;
  log: Logger;
  logText(): string;
  setTags(tags: SimTag[]): Promise<void>;
  /** Sends one fault; returns the counter that must grow, or null when the fault does not apply. */
  fault(kind: RfidFault): Promise<string | null>;
  /** Commands the simulated reader understood, in order (configuration only, not inventory polls). */
  commands(): string[];
  /** The command that starts the driver's configuration, e.g. GET_READER_INFO, SET_READER_CONFIG. */
  readonly configCommand: string;
  unplug(): Promise<void>;
  replug(): Promise<void>;
  cleanup(): Promise<void>;
}

export type MakeRfidRig = (deps: { name: string; unplugged?: boolean }) => Promise<RfidRig>;

const EPC_1 = '300833B2DDD9014000000001';
const EPC_2 = 'E2801160600002054D6F4A12';

export function describeRfidContract(name: string, makeRig: MakeRfidRig): void {
  describe(`rfid reader contract: ${name}`, () => {
    let rig: RfidRig | null = null;
    let supervisor: DeviceSupervisor<RfidReaderDriver> | null = null;

    const setUp = async (unplugged = false): Promise<{ rig: RfidRig; supervisor: DeviceSupervisor<RfidReaderDriver>; tags: TagRead[] }> => {
      rig = await makeRig({ name: 'contract-rfid', unplugged });
      supervisor = new DeviceSupervisor(rig.driver, { clock: systemClock, log: rig.log, watchIntervalMs: 100 });
      const tags: TagRead[] = [];
      rig.driver.on('tag', (tag) => void tags.push(tag));
      return { rig, supervisor, tags };
    };

    afterEach(async () => {
      await supervisor?.stop();
      await rig?.cleanup();
      supervisor = null;
      rig = null;
    });

    it('reports each tag once while it stays, again after it left for the window; EPCs never logged', async () => {
      const leaks = trackHandles();
      const { rig, supervisor, tags } = await setUp();
      await supervisor.start();
      expect(supervisor.health().state).toBe('ok');
      await rig.setTags([{ epc: EPC_1 }, { epc: EPC_2 }]);
      await waitUntil('both tags', () => tags.length >= 2);
      await waitUntil('repeated reads', () => (rig.driver.counters().reads ?? 0) >= 6);
      expect(tags.map((t) => t.epc).sort()).toEqual([EPC_1, EPC_2].sort());
      for (const tag of tags) {
        expect(tag.epc).toMatch(/^[0-9A-F]+$/);
        expect(typeof tag.firstSeen).toBe('number');
      }
      await rig.setTags([]);
      await new Promise((resolve) => setTimeout(resolve, 600)); // the rigs use a 300 ms window
      await rig.setTags([{ epc: EPC_1 }]);
      await waitUntil('the tag back after leaving', () => tags.length >= 3);
      expect(tags[2]?.epc).toBe(EPC_1);
      expect(rig.driver.counters().duplicates).toBeGreaterThan(0);
      expect(rig.logText()).not.toContain(EPC_1);
      await supervisor.stop();
      await rig.cleanup();
      await leaks.assertNoneLeft();
    });

    it('drops and counts what the line spoils, without crashing, and inventory goes on', async () => {
      const { rig, supervisor, tags } = await setUp();
      await supervisor.start();
      for (const kind of ['garbage', 'bad-checksum', 'partial', 'oversize', 'wrong-baud', 'malformed'] as const) {
        // A fault that breaks a TCP stream ends in a reconnect: send the next one to a live link.
        await waitUntil('the reader up', () => supervisor.health().state === 'ok');
        const before = rig.driver.counters();
        const counter = await rig.fault(kind);
        if (counter === null) continue;
        await waitUntil(`${kind} counted in ${counter}`, () => (rig.driver.counters()[counter] ?? 0) > (before[counter] ?? 0));
      }
      await rig.setTags([{ epc: EPC_2 }]);
      await waitUntil('a tag after the faults', () => tags.some((t) => t.epc === EPC_2));
      expect(supervisor.health().state).toBe('ok');
      expect(rig.logText()).toMatch(/frame dropped|message dropped/);
    });

    it('starts without its reader (start resolves, health failed) and comes up when it appears', async () => {
      const { rig, supervisor, tags } = await setUp(true);
      await supervisor.start();
      expect(supervisor.health().state).toBe('failed');
      expect(supervisor.health().lastError).toMatch(/\S/);
      await rig.replug();
      await waitUntil('reader up', () => supervisor.health().state === 'ok');
      expect(supervisor.health().reconnects).toBe(1);
      await rig.setTags([{ epc: EPC_1 }]);
      await waitUntil('a tag from the late reader', () => tags.length >= 1);
    });

    it('unplugged while running: reconnects when back, counts it, re-sends its configuration, inventory resumes', async () => {
      const { rig, supervisor, tags } = await setUp();
      await supervisor.start();
      await rig.setTags([{ epc: EPC_1 }]);
      await waitUntil('first tag', () => tags.length >= 1);
      const configured = rig.commands().filter((c) => c === rig.configCommand).length;
      await rig.unplug();
      await waitUntil('loss noticed', () => supervisor.health().state === 'failed');
      await rig.replug();
      await waitUntil('reader back', () => supervisor.health().state === 'ok');
      expect(supervisor.health().reconnects).toBe(1);
      expect(supervisor.health().counters.disconnects).toBe(1);
      await waitUntil('configuration sent again', () => rig.commands().filter((c) => c === rig.configCommand).length > configured);
      await rig.setTags([{ epc: EPC_2 }]);
      await waitUntil('inventory resumed', () => tags.some((t) => t.epc === EPC_2));
    });
  });
}
