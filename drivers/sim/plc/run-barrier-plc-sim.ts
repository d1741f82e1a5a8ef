import { parseArgs } from 'node:util';
import { systemClock } from '../../../src/util/clock.js';
import { BarrierPlcModel } from './barrier-plc-model.js';
import { BarrierPlcServer } from './barrier-plc-server.js';

/**
 * Runs the simulated barrier PLC for the demo:
 *   node dist/drivers/sim/plc/run-barrier-plc-sim.js --port 4841 --pki ./var/plc-sim-pki [--travel-ms 2000] [--loops loop-1,loop-2]
 * Lines on stdin drive it: `loop loop-1 on`, `loop loop-1 off`, `fault`, `clear`, `fail 1`, `state`.
 * Exit codes: 2 bad arguments, 3 the server cannot start.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4841' },
    pki: { type: 'string' },
    'travel-ms': { type: 'string', default: '2000' },
    loops: { type: 'string', default: 'loop-1' },
  },
});
const port = Number(values.port);
const travelMs = Number(values['travel-ms']);
if (!values.pki || !Number.isInteger(port) || port <= 0 || !(travelMs >= 0)) {
  process.stderr.write('usage: run-barrier-plc-sim --port N --pki DIR [--travel-ms MS] [--loops a,b]\n');
  process.exit(2);
}
const model = new BarrierPlcModel({ clock: systemClock, travelMs, loops: values.loops!.split(','), heartbeatTimeoutMs: 3_000 });
const server = new BarrierPlcServer({ model, port, pkiDir: values.pki });
try {
  await server.start();
} catch (err) {
  process.stderr.write(`cannot start the simulated PLC: ${(err as Error).message}\n`);
  process.exit(3);
}
process.stdout.write(`simulated barrier PLC on ${server.endpointUrl}\n`);

process.stdin.setEncoding('utf8');
let buffered = '';
process.stdin.on('data', (chunk: string) => {
  buffered += chunk;
  let newline: number;
  while ((newline = buffered.indexOf('\n')) >= 0) {
    const [cmd, a, b] = buffered.slice(0, newline).trim().split(/\s+/);
    buffered = buffered.slice(newline + 1);
    if (cmd === 'loop' && a) model.setLoop(a, b === 'on');
    else if (cmd === 'fault') model.injectFault();
    else if (cmd === 'clear') model.clearFault();
    else if (cmd === 'fail') model.failNextCommands(Number(a ?? 1));
    else if (cmd !== 'state' && cmd !== '') process.stdout.write(`unknown command '${cmd}'\n`);
    process.stdout.write(JSON.stringify(model.snapshot()) + '\n');
  }
});

const shutdown = async (): Promise<void> => {
  await server.stop();
  model.dispose();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
