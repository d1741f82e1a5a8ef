import { mkdirSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { LineScannerSim, type ByteSink } from '../../drivers/sim/line-scanner-sim.js';
import { closePtyPair, startPtyPair, type DemoPtyPair } from '../../src/demo/pty-pair.js';
import { systemClock } from '../../src/util/clock.js';

/**
 * The fleet's QR scanners: per lane one socat pty pair (the serial cable; the lane's driver opens
 * one end as it would open /dev/serial/by-id/...) and, in THIS process, the line scanner simulator
 * (drivers/sim/line-scanner-sim.ts) writing codes into the other end. In-process rather than one
 * simulator process per lane: 50 more Node processes would measure the simulators, not the lanes.
 */
export interface FleetScanner {
  lane: string;
  /** Sends one code, CR-terminated; resolves when the bytes are drained into the pty. */
  present(text: string): Promise<void>;
}

export class FleetScanners {
  private readonly pairs: DemoPtyPair[] = [];
  private readonly ports: SerialPort[] = [];

  /** One pty pair per lane, links `<ptyDir>/<lane>` (lane end) and `<ptyDir>/<lane>-sim`. */
  async startPairs(ptyDir: string, lanes: readonly string[]): Promise<void> {
    mkdirSync(ptyDir, { recursive: true });
    // A few at a time: socat start-up is quick, but 50 at once on 2 cores can exceed its ready timeout.
    for (let i = 0; i < lanes.length; i += 8) {
      const batch = await Promise.all(lanes.slice(i, i + 8).map((lane) => startPtyPair(ptyDir, lane)));
      this.pairs.push(...batch);
    }
  }

  /** Opens the simulator end of every pair (after the lanes opened theirs, or before: ptys do not care). */
  async open(): Promise<Map<string, FleetScanner>> {
    const out = new Map<string, FleetScanner>();
    for (const pair of this.pairs) {
      const port = new SerialPort({ path: pair.simEnd, baudRate: 9600, autoOpen: false });
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(new Error(`cannot open ${pair.simEnd}: ${err.message}`)) : resolve())));
      // Reading keeps the poller on the fd; a line-mode scanner gets nothing back from the lane anyway.
      port.on('data', () => undefined);
      port.on('error', () => undefined); // a broken pty shows up as a passage that never starts
      this.ports.push(port);
      const sink: ByteSink = {
        write: (bytes) => new Promise((resolve, reject) => port.write(bytes, (err) => (err ? reject(err) : port.drain((e) => (e ? reject(e) : resolve()))))),
      };
      const sim = new LineScannerSim(sink, { suffix: 'cr', clock: systemClock });
      out.set(pair.name, { lane: pair.name, present: (text) => sim.run({ op: 'code', text }) });
    }
    return out;
  }

  async stop(): Promise<void> {
    await Promise.all(this.ports.splice(0).map((p) => new Promise<void>((resolve) => (p.isOpen ? p.close(() => resolve()) : resolve()))));
    await Promise.all(this.pairs.splice(0).map((pair) => closePtyPair(pair)));
  }
}
