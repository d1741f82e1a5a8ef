// Stand-in for the libgpiod v1 tools (gpioset, gpiomon, gpioget) on machines without GPIO. It accepts
// the same command lines the driver builds and keeps "line levels" as files under $FAKE_GPIOD_DIR/<chip>/<offset>,
// so a test can flip an input by writing a file and read an output the same way. Each invocation is
// appended to $FAKE_GPIOD_DIR/calls.log (one JSON array per line) so tests can check exact command lines.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [tool, ...args] = process.argv.slice(2);
const root = process.env.FAKE_GPIOD_DIR;
if (!root) {
  process.stderr.write('FAKE_GPIOD_DIR not set\n');
  process.exit(2);
}
appendFileSync(join(root, 'calls.log'), JSON.stringify([tool, ...args]) + '\n');

if (args[0] === '--version') {
  process.stdout.write(`${tool} (libgpiod) v${process.env.FAKE_GPIOD_VERSION ?? '1.6.3'}\nCopyright (C) 2017-2018 Bartosz Golaszewski\n`);
  process.exit(0);
}

const positional = args.filter((a) => !a.startsWith('-'));
const chip = positional[0];
const chipDir = join(root, chip ?? '');
if (!chip || !existsSync(chipDir)) {
  process.stderr.write(`${tool}: unable to access GPIO chip: No such file or directory\n`);
  process.exit(1);
}
const level = (offset) => (existsSync(join(chipDir, offset)) ? readFileSync(join(chipDir, offset), 'utf8').trim() : '0');

if (tool === 'gpioget') {
  process.stdout.write(positional.slice(1).map(level).join(' ') + '\n');
  process.exit(0);
}

if (tool === 'gpioset') {
  if (!args.includes('--mode=wait')) {
    process.stderr.write('gpioset: fake supports --mode=wait only\n');
    process.exit(1);
  }
  for (const pair of positional.slice(1)) {
    const [offset, value] = pair.split('=');
    writeFileSync(join(chipDir, offset), value);
  }
  // --mode=wait: hold until ENTER or EOF on stdin, like the real tool.
  process.stdin.on('data', (d) => d.includes(10) && process.exit(0));
  process.stdin.on('end', () => process.exit(0));
} else if (tool === 'gpiomon') {
  const format = (args.find((a) => a.startsWith('--format=')) ?? '--format=%o %e %s.%n').slice('--format='.length);
  const offsets = positional.slice(1);
  const last = new Map(offsets.map((o) => [o, level(o)]));
  // Tells a test the initial levels are taken, so a change made after this is an edge (the real tool
  // has the same window between gpioget and gpiomon; see docs/drivers.md).
  writeFileSync(join(root, 'gpiomon.ready'), String(process.pid));
  setInterval(() => {
    for (const o of offsets) {
      const now = level(o);
      if (now === last.get(o)) continue;
      last.set(o, now);
      const t = process.hrtime();
      process.stdout.write(format.replace('%o', o).replace('%e', now).replace('%s', String(t[0])).replace('%n', String(t[1])) + '\n');
    }
  }, 5);
  process.on('SIGTERM', () => process.exit(0));
} else {
  process.stderr.write(`unknown tool ${tool}\n`);
  process.exit(2);
}
