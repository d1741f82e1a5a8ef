import { describe, expect, it } from 'vitest';
import { DEVICE_TYPES } from '../../../../drivers/config-schemas.js';
import { buildJsonSchema } from '../../../../src/settings/json-schema.js';
import { validateConfigText } from '../../../../src/settings/validate.js';

const HEAD = 'lane: { id: l1, site: s, kind: people, direction: entry }\nstorage: { dataDir: /tmp/lane }\nmqtt: { enabled: false }\ndevices:\n';

function validate(device: string) {
  return validateConfigText(`${HEAD}  - ${device}\n`, { env: {}, cwd: '/tmp' });
}

describe('camera configuration', () => {
  it('registers the types camera and camera-replay', () => {
    expect(DEVICE_TYPES).toEqual(expect.arrayContaining(['camera', 'camera-replay']));
  });

  it('fills in the defaults of a minimal RTSP camera', () => {
    const result = validate('{ type: camera, name: face-cam, source: { kind: rtsp, url: "rtsp://u:p@10.0.0.2/s" } }');
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.config.devices[0]).toEqual({
      type: 'camera',
      name: 'face-cam',
      source: { kind: 'rtsp', url: 'rtsp://u:p@10.0.0.2/s', analyzeDurationMs: 1_000 },
      fps: 5,
      jpegQuality: 5,
      stallTimeoutMs: 5_000,
      connectTimeoutMs: 8_000,
      ffmpegPath: 'ffmpeg',
    });
  });

  it('accepts every source kind and the replay camera', () => {
    for (const device of [
      '{ type: camera, name: a, source: { kind: http-mjpeg, url: "http://10.0.0.3/video.mjpg" }, fps: null, width: 640 }',
      '{ type: camera, name: b, source: { kind: http-snapshot, url: "https://10.0.0.4/snap.jpg?user=x" }, fps: 2 }',
      '{ type: camera, name: c, source: { kind: v4l2, device: /dev/v4l/by-id/usb-x-video-index0, captureSize: 1280x720 } }',
      '{ type: camera, name: d, source: { kind: file, path: /srv/clips/gate.mp4 }, width: 320, height: 240 }',
      '{ type: camera-replay, name: e, path: /srv/replay, fps: 2, loop: false }',
    ]) {
      const result = validate(device);
      expect(result.ok ? 'ok' : JSON.stringify(result.issues)).toBe('ok');
    }
  });

  it.each([
    ['{ type: camera, name: x, source: { kind: rtsp, url: "http://10.0.0.2/s" } }', 'devices[0].source.url', 'must be a rtsp or rtsps URL, e.g. rtsp://user:pass@10.0.0.21:554/stream1'],
    ['{ type: camera, name: x, source: { kind: http-mjpeg, url: "not a url" } }', 'devices[0].source.url', 'must be a http or https URL, e.g. http://10.0.0.22/mjpg/video.mjpg'],
    ['{ type: camera, name: x, source: { kind: rtsp, url: "rtsp://h/s", transport: udp } }', 'devices[0].source.transport', "unknown key 'transport'"],
    ['{ type: camera, name: x, source: { kind: v4l2, device: video0 } }', 'devices[0].source.device', 'must be a device path, e.g. /dev/v4l/by-id/usb-...-video-index0'],
    ['{ type: camera, name: x, source: { kind: v4l2, device: /dev/video0, captureSize: "1280*720" } }', 'devices[0].source.captureSize', "must be WIDTHxHEIGHT, e.g. '1280x720'"],
    ['{ type: camera, name: x, source: { kind: file, path: /a.mp4 }, fps: 0 }', 'devices[0].fps', 'Too small: expected number to be >0'],
    ['{ type: camera, name: x, source: { kind: file, path: /a.mp4 }, stallTimeoutMs: 100 }', 'devices[0].stallTimeoutMs', 'Too small: expected number to be >=500'],
    ['{ type: camera-replay, name: x, path: "" }', 'devices[0].path', 'must name a folder of .jpg/.jpeg files or one such file'],
  ])('rejects %s at %s', (device, path, message) => {
    const result = validate(device);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual([expect.objectContaining({ path, message, line: 5 })]);
  });

  it('reports every mistake of one camera at once', () => {
    const result = validate('{ type: camera, name: X, source: { kind: v4l2, device: video0 }, jpegQuality: 1 }');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path).sort()).toEqual(['devices[0].jpegQuality', 'devices[0].name', 'devices[0].source.device']);
  });

  it('is in the generated JSON Schema for editors', () => {
    const text = JSON.stringify(buildJsonSchema());
    expect(text).toContain('"camera-replay"');
    expect(text).toContain('"http-snapshot"');
  });
});
