import { describe, expect, it } from 'vitest';
import { validateConfigText } from '../../../../src/settings/validate.js';

const DEVICES = `
devices:
  - type: serial-line-scanner
    name: qr-entry
    path: /dev/null
  - type: relay-barrier
    name: entry-door
    role: egress-door
    safety: [entry-beam]
    io: { backend: fake, lines: [{ name: open, direction: out }, { name: close, direction: out }, { name: hold-open, direction: out }, { name: entry-beam, direction: in }] }
  - type: relay-barrier
    name: exit-door
    role: egress-door
    safety: [exit-beam]
    io: { backend: fake, lines: [{ name: open, direction: out }, { name: close, direction: out }, { name: lock, direction: out }, { name: exit-beam, direction: in }] }
`;

function people(flow: string, policy = 'policy: { requireFace: false }'): ReturnType<typeof validateConfigText> {
  return validateConfigText(`lane: { id: t1, site: s1, kind: people, direction: entry }\n${policy}\n${DEVICES}\n${flow}`, { env: {} });
}

const GOOD_FLOW = `flow:
  readers: [qr-entry]
  entryDoor: { barrier: entry-door, presence: [entry-beam] }
  exitDoor: { barrier: exit-door, presence: [exit-beam] }
  entryBeam: entry-beam
  exitBeam: exit-beam
  timeouts: { enterMs: 5000 }
`;

function messages(r: ReturnType<typeof validateConfigText>): string[] {
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
}

describe('flow wiring in the lane config', () => {
  it('accepts a complete people-lane flow', () => {
    const r = people(GOOD_FLOW);
    expect(messages(r)).toEqual([]);
    expect(r.ok && r.config.flow?.timeouts.enterMs).toBe(5000);
  });

  it('keeps a config without flow valid (devices only)', () => {
    expect(people('', '').ok).toBe(true);
  });

  it('reports every wiring mistake at once, by path', () => {
    const r = people(`flow:
  readers: [entry-door, nope]
  entryDoor: { barrier: qr-entry, presence: [ghost-beam] }
  exitDoor: { barrier: exit-door }
  entryBeam: entry-beam
  loop: loop-1
  timeouts: { passMs: 1000 }
`);
    const m = messages(r);
    expect(m).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^flow\.readers\[0\]: device 'entry-door' is a relay-barrier/),
        "flow.readers[1]: no device named 'nope' in devices",
        expect.stringMatching(/^flow\.entryDoor\.barrier: device 'qr-entry' is a serial-line-scanner/),
        expect.stringMatching(/^flow\.entryDoor\.presence\[0\]: presence input 'ghost-beam' is not reported/),
        'flow.exitBeam: required for a people lane',
        'flow.loop: not used by a people lane (remove it)',
        'flow.timeouts.passMs: not a people-lane timeout',
      ]),
    );
  });

  it('refuses a relay egress door that could not be held open in an emergency', () => {
    const noHold = DEVICES.replace('{ name: hold-open, direction: out }, ', '');
    const r = validateConfigText(`lane: { id: t1, site: s1, kind: people, direction: entry }\npolicy: { requireFace: false }\n${noHold}\n${GOOD_FLOW}`, { env: {} });
    expect(messages(r)).toEqual(["flow.entryDoor.barrier: egress door 'entry-door' has no 'hold-open' or 'lock' output line: it could not be held open in an emergency"]);
  });

  it('requires a face camera when the policy requires a face (the default on people lanes)', () => {
    expect(messages(people(GOOD_FLOW, ''))).toContain('policy.requireFace: policy.requireFace is true but flow.faceCamera is not set');
  });
});
