import { createInterface } from 'node:readline';
import type { Clock } from '../../src/util/clock.js';
import type { Logger } from '../../src/util/logger.js';
import { TypedEmitter } from '../../src/util/typed-events.js';
import { DeviceOpenError, type DriverEvents } from '../contract.js';
import {
  DigitalIoError,
  fromLevel,
  toLevel,
  type DigitalEdge,
  type DigitalIO,
  type DigitalIoEvents,
  type DigitalLineInfo,
} from './digital-io.js';
import type { GpioLineConfig } from './gpio-line.config.js';
import {
  classifyGpiodError,
  gpiogetArgs,
  gpiomonArgs,
  gpiosetArgs,
  parseGpiodMajorVersion,
  parseGpiogetOutput,
  parseGpiomonLine,
} from './gpiod-cli.js';
import type { GpiodTools } from './gpiod-io.config.js';
import { LineTable, createLineState, requireOpen, type LineState } from './line-state.js';
import { HeldProcess, ToolSpawnError, runTool } from './tool-process.js';

export interface GpiodIoOptions {
  name: string;
  chip: string;
  tools: GpiodTools;
  lines: readonly GpioLineConfig[];
}

export interface GpiodIoDeps {
  clock: Clock;
  log: Logger;
  /** Bound on gpioget / --version runs. Default 3 s. */
  toolTimeoutMs?: number;
}

interface Line extends LineState {
  config: GpioLineConfig;
  /** Outputs: the gpioset process holding the line, and the chain that serialises writes to it. */
  holder: HeldProcess | null;
  chain: Promise<void>;
}

/**
 * DigitalIO on the GPIO character device through Debian's libgpiod v1 tools, run as child processes:
 * one `gpiomon` for all inputs, one `gpioset --mode=wait` per output. v1 gpioset cannot change a value
 * in place, so a write replaces that line's process; one process per line means a write never glitches
 * the other outputs. Inputs are read once with gpioget at open (gpiomon reports edges only), then
 * followed through gpiomon; a few milliseconds between the two are not covered (documented).
 * A tool that exits on its own is reported as `down`; the supervisor reconnects and re-applies outputs.
 */
export class GpiodIo extends TypedEmitter<DriverEvents<DigitalIoEvents>> implements DigitalIO {
  readonly kind = 'io' as const;
  readonly name: string;
  readonly devicePath: string;
  private readonly opts: GpiodIoOptions;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly toolTimeoutMs: number;
  private readonly table: LineTable<Line>;
  private readonly byOffset = new Map<number, Line>();
  private monitor: HeldProcess | null = null;
  private opened = false;
  private generation = 0;
  private readonly count = { opens: 0, writes: 0, edges: 0, garbage: 0, toolExits: 0 };

  constructor(opts: GpiodIoOptions, deps: GpiodIoDeps) {
    super();
    this.opts = opts;
    this.name = opts.name;
    this.devicePath = opts.chip.startsWith('/dev/') ? opts.chip : `/dev/${/^\d+$/.test(opts.chip) ? `gpiochip${opts.chip}` : opts.chip}`;
    this.clock = deps.clock;
    this.log = deps.log;
    this.toolTimeoutMs = deps.toolTimeoutMs ?? 3_000;
    this.table = new LineTable(opts.name);
    for (const config of opts.lines) {
      const line: Line = {
        ...createLineState(config, this.clock, (edge) => this.onEdge(edge)),
        config,
        holder: null,
        chain: Promise.resolve(),
      };
      this.table.add(line);
      this.byOffset.set(config.offset, line);
    }
  }

  async open(): Promise<void> {
    const generation = ++this.generation;
    await this.checkVersion();
    const inputs = [...this.table.values()].filter((l) => l.config.direction === 'in');
    if (inputs.length > 0) {
      const offsets = inputs.map((l) => l.config.offset);
      const result = await this.run(this.opts.tools.gpioget, gpiogetArgs(this.opts.chip, offsets));
      const levels = parseGpiogetOutput(result.stdout, offsets.length);
      inputs.forEach((line, i) => line.debouncer?.reset(fromLevel(levels[i]!, line.config.activeLow)));
      this.startMonitor(offsets, generation);
    }
    this.opened = true;
    for (const line of this.table.values()) {
      if (line.config.direction === 'out') await this.hold(line, line.commanded);
    }
    this.count.opens += 1;
    this.emit('up');
  }

  /** Re-applies each output's commanded value (its gpioset is restarted only if it is not running). */
  async configure(): Promise<void> {
    this.requireOpen();
    for (const line of this.table.values()) {
      if (line.config.direction === 'out' && line.holder === null) await this.hold(line, line.commanded);
    }
  }

  async close(): Promise<void> {
    this.opened = false;
    this.generation += 1;
    const stops: Array<Promise<unknown>> = [];
    if (this.monitor) stops.push(this.monitor.stop());
    this.monitor = null;
    for (const line of this.table.values()) {
      line.debouncer?.cancel();
      if (line.holder) stops.push(line.holder.stop());
      line.holder = null;
    }
    await Promise.allSettled(stops);
  }

  lines(): DigitalLineInfo[] {
    return this.table.infos();
  }

  async read(name: string): Promise<boolean> {
    this.requireOpen();
    return this.table.read(name);
  }

  async write(name: string, value: boolean): Promise<void> {
    this.requireOpen();
    const line = this.table.output(name);
    line.commanded = value;
    this.count.writes += 1;
    const next = line.chain.then(() => this.hold(line, value));
    line.chain = next.catch(() => undefined);
    await next;
  }

  counters(): Record<string, number> {
    return { ...this.count };
  }

  // ---- internals ----

  private async checkVersion(): Promise<void> {
    const result = await this.run(this.opts.tools.gpioset, ['--version']);
    const major = parseGpiodMajorVersion(result.stdout);
    if (major !== 1) {
      throw new DeviceOpenError(this.name, 'EGPIODVERSION', `need libgpiod v1 tools (Debian bookworm 'gpiod'); ${this.opts.tools.gpioset} --version said '${result.stdout.trim().split('\n')[0] ?? ''}'`, this.devicePath);
    }
  }

  private async run(command: string, args: string[]): Promise<{ stdout: string }> {
    try {
      const result = await runTool(command, args, this.toolTimeoutMs);
      if (result.code !== 0) {
        const reason = firstLine(result.stderr) || `exit ${result.code ?? result.signal}`;
        throw new DeviceOpenError(this.name, classifyGpiodError(result.stderr), `${command}: ${reason}`, this.devicePath);
      }
      return result;
    } catch (err) {
      if (err instanceof ToolSpawnError) throw new DeviceOpenError(this.name, err.code, err.message, this.devicePath);
      throw err;
    }
  }

  private startMonitor(offsets: number[], generation: number): void {
    const monitor = new HeldProcess(this.opts.tools.gpiomon, gpiomonArgs(this.opts.chip, offsets));
    this.monitor = monitor;
    const lines = createInterface({ input: monitor.child.stdout });
    lines.on('line', (text) => {
      if (generation !== this.generation) return;
      const event = parseGpiomonLine(text);
      const line = event ? this.byOffset.get(event.offset) : undefined;
      if (!event || !line?.debouncer) {
        this.count.garbage += 1;
        return;
      }
      line.debouncer.sample(fromLevel(event.level, line.config.activeLow));
    });
    void monitor.exited.then((result) => {
      lines.close();
      if (monitor.stopRequested || generation !== this.generation) return;
      this.count.toolExits += 1;
      this.lost(`gpiomon exited (${result.code ?? result.signal}): ${firstLine(result.stderr)}`);
    });
  }

  /** Replaces the line's gpioset with one holding `value`. */
  private async hold(line: Line, value: boolean): Promise<void> {
    const generation = this.generation;
    if (line.holder) await line.holder.stop();
    line.holder = null;
    if (!this.opened || generation !== this.generation) return;
    const level = toLevel(value, line.config.activeLow);
    const holder = new HeldProcess(this.opts.tools.gpioset, gpiosetArgs(this.opts.chip, line.config.offset, level));
    line.holder = holder;
    void holder.exited.then((result) => {
      if (holder.stopRequested || generation !== this.generation) return;
      this.count.toolExits += 1;
      line.holder = null;
      this.lost(`gpioset for line '${line.config.name}' exited (${result.code ?? result.signal}): ${firstLine(result.stderr)}`);
    });
    try {
      await holder.started();
    } catch (err) {
      line.holder = null;
      throw new DigitalIoError('NOT_OPEN', `${this.name}: ${(err as Error).message}`);
    }
  }

  private lost(reason: string): void {
    if (!this.opened) return;
    this.opened = false;
    this.log.warn({ reason }, 'gpiod tool exited');
    this.emit('down', reason);
  }

  private onEdge(edge: DigitalEdge): void {
    this.count.edges += 1;
    this.emit('edge', edge);
  }

  private requireOpen(): void {
    requireOpen(this.name, this.opened);
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}
