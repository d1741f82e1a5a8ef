import { describe, expect, it } from 'vitest';
import { mqttSectionSchema } from '../../../src/settings/lane-config.schema.js';
import { EVIDENCE_POLICIES } from '../../../src/sync/evidence-policy.js';

describe('mqtt config keys of the link (evidence, telemetrySeconds)', () => {
  it('defaults to evidence on-refer and telemetry every 60 s', () => {
    expect(mqttSectionSchema.parse({})).toMatchObject({ evidence: 'on-refer', telemetrySeconds: 60 });
  });

  it('accepts exactly the policies the link implements, and 0 (off) .. 86400 s of telemetry', () => {
    for (const policy of EVIDENCE_POLICIES) expect(mqttSectionSchema.parse({ evidence: policy }).evidence).toBe(policy);
    const bad = mqttSectionSchema.safeParse({ evidence: 'on-deny' });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toMatch(/on-deny-or-refer/);
    expect(mqttSectionSchema.parse({ telemetrySeconds: 0 }).telemetrySeconds).toBe(0);
    expect(mqttSectionSchema.safeParse({ telemetrySeconds: -1 }).success).toBe(false);
    expect(mqttSectionSchema.safeParse({ telemetrySeconds: 1.5 }).success).toBe(false);
    expect(mqttSectionSchema.safeParse({ telemetrySeconds: 86401 }).success).toBe(false);
  });
});
