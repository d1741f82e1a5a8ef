import { afterEach, describe, expect, it } from 'vitest';
import type { MqttLink } from '../../../src/sync/mqtt-link.js';
import { startAedes, type AedesBroker } from '../../helpers/aedes-broker.js';
import { openTempStore, type TempStore } from './support/lane-store.js';
import { centralKeys, makeLink } from './support/link-rig.js';

const keys = centralKeys();
let broker: AedesBroker | null = null;
let temp: TempStore | null = null;
let link: MqttLink | null = null;

afterEach(async () => {
  await link?.stop();
  await temp?.close();
  await broker?.close();
  link = broker = temp = null;
});

async function until(probe: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('broker credentials', () => {
  it('logs in with mqtt.username and the secrets file password', async () => {
    const seen: (string | undefined)[] = [];
    broker = await startAedes({ authenticate: (u, p) => (seen.push(u), u === 'lane-p-entry-03' && p === 's3cret-from-secrets') });
    temp = await openTempStore();
    link = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64, username: 'lane-p-entry-03', password: 's3cret-from-secrets' }).link;
    await link.start();
    await until(() => link!.status().announced, 'announced');
    expect(seen[0]).toBe('lane-p-entry-03');
  });

  it('a refused login is a clear last error and the link keeps retrying with backoff; the password never appears in status', async () => {
    broker = await startAedes({ authenticate: () => false });
    temp = await openTempStore();
    link = makeLink({ url: broker.url, temp, publicKeyBase64: keys.publicKeyBase64, username: 'lane', password: 'wrong-password-value' }).link;
    await link.start();
    await until(() => link!.status().connection.attempts >= 3, 'three attempts');
    const status = link.status();
    expect(status.announced).toBe(false);
    expect(status.connection.lastError).toMatch(/Bad username or password|Not authorized|refused/i);
    expect(JSON.stringify(status)).not.toContain('wrong-password-value');
    expect(JSON.stringify(link.health())).not.toContain('wrong-password-value');
  });
});
