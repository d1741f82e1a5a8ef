import type { DemoConfigValues } from './demo-configs.js';
import type { DemoOrchestrator } from './orchestrator.js';
import { SCENARIO_NAMES } from './scenario-names.js';

/** The one banner the demo prints once everything runs: where to look and what to type. */
export function bannerLines(demo: DemoOrchestrator, faces: DemoConfigValues['faces']): string[] {
  const p = demo.paths;
  const rule = '='.repeat(78);
  const lines = [
    rule,
    'Border gate demo running: one people lane, one vehicle lane (all devices simulated)',
    rule,
    `  people lane display   ${demo.displayUrl('people')}`,
    `  vehicle lane display  ${demo.displayUrl('vehicle')}`,
    `  MQTT broker           ${demo.brokerUrl}   (topics bg/v1/mongcai/#; the central simulator prints here)`,
    '',
    '  run a scenario (second terminal, same folder):',
    '    npm run sim -- traveller-qr        (list: npm run sim -- --list)',
    `    scenarios: ${SCENARIO_NAMES.join(', ')}`,
    '',
    '  look inside a lane:',
    `    npx lanectl --socket ${p.lane('people').socket} status`,
    `    npx lanectl --socket ${p.lane('vehicle').socket} passages last 5`,
    `  lane logs: ${p.lane('people').log}, ${p.lane('vehicle').log}`,
    '',
    faces === null
      ? '  no face images are shipped: face check off; pass --faces DIR (your own photos) or a V4L2 camera to turn it on'
      : `  face check ON with ${faces.kind === 'folder' ? `the photos in ${faces.path}` : `the camera ${faces.device}`}`,
  ];
  lines.push('  Ctrl-C stops everything.', rule);
  return lines;
}
