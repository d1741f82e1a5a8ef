import { describe, expect, it } from 'vitest';
import { renderBlocks } from '../../../src/cli/render.js';
import { statusCommand } from '../../../src/control/commands/status.js';
import type { LaneStatusSnapshot } from '../../../src/control/contract.js';

/** `lanectl status` for people at the lane: the passage flow is shown, not only the services. */
const NOW = Date.parse('2026-12-04T10:00:00Z');

function snapshot(flow?: object): LaneStatusSnapshot {
  const base: LaneStatusSnapshot = {
    lane: 'people',
    site: 'demo',
    kind: 'people',
    direction: 'entry',
    mode: 'normal',
    degradedReasons: [],
    startedAt: new Date(NOW - 60_000).toISOString(),
    uptimeSeconds: 60,
    version: '0.1.0',
    configPath: 'var/demo/people.yaml',
    pid: 42,
    services: {},
  };
  return flow ? Object.assign(base, { flow }) : base;
}

function human(s: LaneStatusSnapshot): string {
  return renderBlocks(statusCommand.formatHuman(s, {}, { now: NOW }));
}

describe('lanectl status (human)', () => {
  it('shows the flow: phase and passage, lane mode, suspension reasons, signal, and that the face check is off', () => {
    const out = human(
      snapshot({
        kind: 'people',
        phase: 'suspended',
        mode: 'closed',
        suspended: ['mode: closed', 'device fault: entry-door: heartbeat lost'],
        barriers: { 'entry-door': 'closed' },
        presence: {},
        signal: 'red',
        passagesDecided: 3,
        faceCheck: 'off',
        passage: null,
      }),
    );
    expect(out).toMatch(/flow\s+suspended/);
    expect(out).toMatch(/lane mode\s+closed/);
    expect(out).toMatch(/suspended\s+mode: closed/);
    expect(out).toMatch(/suspended\s+device fault: entry-door: heartbeat lost/);
    expect(out).toMatch(/signal\s+red/);
    expect(out).toMatch(/face check\s+off/);
  });

  it('names the passage in progress and says nothing about the face check when it is on', () => {
    const out = human(snapshot({ kind: 'people', phase: 'capturing', mode: 'normal', suspended: [], barriers: {}, presence: {}, signal: 'green', passagesDecided: 0, faceCheck: 'on', passage: 'p4' }));
    expect(out).toMatch(/flow\s+capturing \(passage p4\)/);
    expect(out).not.toContain('face check');
  });

  it('has no flow rows when the lane runs without a flow', () => {
    const out = human(snapshot());
    expect(out).not.toMatch(/^\s*flow\s/m);
    expect(out).toMatch(/mode\s+normal/);
  });
});
