import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/util/fake-clock.js';
import { IN_SCOPE_FLAGS } from '../../../src/credentials/eval/dcc-vector.js';
import { evalQrDir } from '../../../src/credentials/eval/eval-qr.js';
import { parseIsoTimestamp } from '../../../src/credentials/eval/iso-time.js';
import { TrustList, trustEntryFromCertificate } from '../../../src/credentials/qr/trust-list.js';
import { verifySignedQr } from '../../../src/credentials/qr/verify-signed-qr.js';
import { claimsBytes, coseBytes, makeSigner, qrFromCose, T0 } from './helpers/dcc-builder.js';
import { fixtureFolder } from './helpers/fixtures-dir.js';

const dccDir = fixtureFolder('dcc');

describe.skipIf(!dccDir)('EU DCC conformance vectors (shared/fixtures/dcc)', () => {
  it('agrees with every expected flag of the steps it implements', async () => {
    const report = await evalQrDir(dccDir!);
    const files = readdirSync(join(dccDir!, 'vectors')).filter((f) => f.endsWith('.json'));
    expect(report.errors).toEqual([]);
    expect(report.vectors).toBe(files.length);
    // Every implemented step is exercised, including expected failures.
    for (const flag of IN_SCOPE_FLAGS) expect(report.byFlag[flag]?.compared ?? 0).toBeGreaterThan(0);
    const negatives = report.perVector.flatMap((v) => v.compared.filter((c) => !c.expected));
    expect(negatives.length).toBeGreaterThanOrEqual(10);
    expect(report.disagreements).toEqual([]);
    expect(report.agreements).toBe(report.flagsCompared);
    // Only the declared out-of-scope steps are skipped, and the schema step is among them.
    for (const flag of Object.keys(report.outOfScope)) {
      expect(['EXPECTEDENCODE', 'EXPECTEDPICTUREDECODE', 'EXPECTEDSCHEMAVALIDATION', 'EXPECTEDVALIDOBJECT']).toContain(flag);
    }
    expect(report.outOfScope.EXPECTEDSCHEMAVALIDATION?.vectors ?? 0).toBeGreaterThan(0);
  });

  it('verifies real vectors end to end with a trust list built from their signer certificates', () => {
    let verified = 0;
    for (const file of readdirSync(join(dccDir!, 'vectors'))) {
      const v = JSON.parse(readFileSync(join(dccDir!, 'vectors', file), 'utf8')) as {
        PREFIX?: string;
        TESTCTX?: { CERTIFICATE?: string; VALIDATIONCLOCK?: string };
        EXPECTEDRESULTS: Record<string, unknown>;
      };
      const e = v.EXPECTEDRESULTS;
      const allTrue = ['EXPECTEDVERIFY', 'EXPECTEDEXPIRATIONCHECK', 'EXPECTEDUNPREFIX'].every((k) => e[k] === true) && e.EXPECTEDKEYUSAGE !== false;
      if (!allTrue || !v.PREFIX || !v.TESTCTX?.CERTIFICATE || !v.TESTCTX.VALIDATIONCLOCK) continue;
      const entry = trustEntryFromCertificate(v.TESTCTX.CERTIFICATE);
      expect(entry.ok).toBe(true);
      if (!entry.ok) continue;
      const trust = new TrustList();
      trust.add(entry.entry);
      const r = verifySignedQr(v.PREFIX, { trustList: trust, clock: new FakeClock(parseIsoTimestamp(v.TESTCTX.VALIDATIONCLOCK)!) });
      expect(r.ok ? 'ok' : `${file}: ${r.reason}`).toBe('ok');
      verified++;
    }
    expect(verified).toBeGreaterThanOrEqual(20);
  });
});

describe('eval qr harness on vectors made here', () => {
  const dir = mkdtempSync(join(tmpdir(), 'eval-qr-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reports agreements, a disagreement with file and flag, out-of-scope and unknown flags', async () => {
    // No TESTCTX certificate here (Node cannot mint X.509): the certificate-free steps are checked.
    mkdirSync(join(dir, 'vectors'));
    const signer = makeSigner('ES256');
    const cose = coseBytes(signer, { payload: claimsBytes({}, T0) });
    const prefix = qrFromCose(cose);
    const good = {
      PREFIX: prefix,
      COSE: Buffer.from(cose).toString('hex'),
      EXPECTEDRESULTS: { EXPECTEDUNPREFIX: true, EXPECTEDB45DECODE: true, EXPECTEDCOMPRESSION: true, EXPECTEDDECODE: true, EXPECTEDPICTUREDECODE: true, EXPTECTEDEXPIRED: true },
    };
    const wrongExpectation = { PREFIX: prefix.replace('HC1:', 'HC9:'), EXPECTEDRESULTS: { EXPECTEDUNPREFIX: true } };
    writeFileSync(join(dir, 'vectors', 'good.json'), JSON.stringify(good));
    writeFileSync(join(dir, 'vectors', 'wrong.json'), JSON.stringify(wrongExpectation));
    writeFileSync(join(dir, 'vectors', 'broken.json'), '{ not json');
    const report = await evalQrDir(dir);
    expect(report.vectors).toBe(2);
    expect(report.errors.map((e) => e.file)).toEqual(['broken.json']);
    expect(report.flagsCompared).toBe(5);
    expect(report.agreements).toBe(4);
    expect(report.disagreements).toEqual([{ file: 'wrong.json', flag: 'EXPECTEDUNPREFIX', expected: true, actual: false, detail: 'QR_PREFIX_UNKNOWN' }]);
    expect(report.outOfScope.EXPECTEDPICTUREDECODE?.vectors).toBe(1);
    expect(report.unknownFlags).toEqual({ EXPTECTEDEXPIRED: 1 });
  });
});
