import { describe, expect, it } from 'vitest';
import { cameraConfigSchema, type CameraConfig } from '../../../../drivers/camera/camera.config.js';
import { buildFfmpegArgs, describeSource, redactFfmpegText, redactUrl } from '../../../../drivers/camera/ffmpeg-args.js';

function config(source: Record<string, unknown>, extra: Record<string, unknown> = {}): CameraConfig {
  return cameraConfigSchema.parse({ type: 'camera', name: 'cam', source, ...extra });
}

/** The value following `flag`, or undefined. */
function valueOf(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at < 0 ? undefined : args[at + 1];
}

/** Options given before -i (they apply to the input). */
function inputPart(args: string[]): string[] {
  return args.slice(0, args.indexOf('-i'));
}

describe('buildFfmpegArgs', () => {
  it('always writes JPEG images to stdout, video only, never reading stdin', () => {
    const args = buildFfmpegArgs(config({ kind: 'rtsp', url: 'rtsp://h/s' }));
    expect(args.slice(-9)).toEqual(['-c:v', 'mjpeg', '-q:v', '5', '-pix_fmt', 'yuvj420p', '-f', 'image2pipe', 'pipe:1']);
    expect(args).toEqual(expect.arrayContaining(['-nostdin', '-an', '-sn', '-dn']));
    expect(valueOf(args, '-loglevel')).toBe('error');
  });

  it('rtsp: TCP transport, socket timeout in microseconds, short analysis, all before -i', () => {
    const args = buildFfmpegArgs(config({ kind: 'rtsp', url: 'rtsp://u:p@h/s', analyzeDurationMs: 1500 }, { connectTimeoutMs: 4000 }));
    const input = inputPart(args);
    expect(valueOf(input, '-rtsp_transport')).toBe('tcp');
    expect(valueOf(input, '-timeout')).toBe('4000000');
    expect(valueOf(input, '-analyzeduration')).toBe('1500000');
    expect(valueOf(args, '-i')).toBe('rtsp://u:p@h/s');
  });

  it('http-mjpeg: the raw MJPEG demuxer with wall-clock timestamps and an I/O timeout', () => {
    const input = inputPart(buildFfmpegArgs(config({ kind: 'http-mjpeg', url: 'http://h/v.mjpg' })));
    expect(valueOf(input, '-f')).toBe('mjpeg');
    expect(valueOf(input, '-use_wallclock_as_timestamps')).toBe('1');
    expect(valueOf(input, '-rw_timeout')).toBe('8000000');
  });

  it('http-snapshot: one request per frame at fps (1/s when fps is null), no fps filter', () => {
    const args = buildFfmpegArgs(config({ kind: 'http-snapshot', url: 'http://h/s.jpg' }, { fps: 2 }));
    const input = inputPart(args);
    expect(input).toEqual(expect.arrayContaining(['-re', '-loop', '1']));
    expect(valueOf(input, '-f')).toBe('image2');
    expect(valueOf(input, '-framerate')).toBe('2');
    expect(valueOf(input, '-analyzeduration')).toBe('0'); // else probed snapshots pile up behind -re
    expect(valueOf(args, '-vf')).toBeUndefined();
    expect(valueOf(inputPart(buildFfmpegArgs(config({ kind: 'http-snapshot', url: 'http://h/s.jpg' }, { fps: null }))), '-framerate')).toBe('1');
  });

  it('v4l2: the capture format, size and rate asked of the camera', () => {
    const input = inputPart(
      buildFfmpegArgs(config({ kind: 'v4l2', device: '/dev/video2', inputFormat: 'yuyv422', captureSize: '1280x720' }, { fps: 7.5 })),
    );
    expect(input).toEqual(['-hide_banner', '-nostdin', '-nostats', '-loglevel', 'error', '-f', 'v4l2', '-input_format', 'yuyv422', '-video_size', '1280x720', '-framerate', '8']);
  });

  it('file: real-time, looping for ever', () => {
    const input = inputPart(buildFfmpegArgs(config({ kind: 'file', path: '/clips/a.mp4' })));
    expect(input.slice(-3)).toEqual(['-re', '-stream_loop', '-1']);
  });

  it.each([
    [{ fps: 5 }, 'fps=5'],
    [{ fps: null }, undefined],
    [{ fps: 10, width: 640 }, 'fps=10,scale=640:-2'],
    [{ fps: null, height: 360 }, 'scale=-2:360'],
    [{ fps: 2.5, width: 320, height: 200 }, 'fps=2.5,scale=320:200'],
  ])('filters for %o: %s', (extra, vf) => {
    expect(valueOf(buildFfmpegArgs(config({ kind: 'rtsp', url: 'rtsp://h/s' }, extra)), '-vf')).toBe(vf);
  });
});

describe('credentials never leave the driver', () => {
  it.each([
    ['rtsp://admin:Secret1@10.0.0.5:554/Streaming/101', 'rtsp://***@10.0.0.5:554/Streaming/101'],
    ['http://10.0.0.6/snapshot.cgi?user=admin&pwd=Secret2', 'http://10.0.0.6/snapshot.cgi?***'],
    ['http://10.0.0.7/video.mjpg', 'http://10.0.0.7/video.mjpg'],
    ['not a url', '(unparsable URL)'],
  ])('redactUrl(%s) = %s', (url, safe) => {
    expect(redactUrl(url)).toBe(safe);
  });

  it('describeSource gives the redacted URL or the local path', () => {
    expect(describeSource({ kind: 'rtsp', url: 'rtsp://a:b@h/s', analyzeDurationMs: 1000 })).toBe('rtsp://***@h/s');
    expect(describeSource({ kind: 'v4l2', device: '/dev/video0', inputFormat: 'mjpeg' })).toBe('/dev/video0');
  });

  it('redacts the configured URL and any other URL with user info in ffmpeg output', () => {
    const source = { kind: 'http-snapshot' as const, url: 'http://op:Pw9@10.0.0.8/snap.jpg?token=T0k3n' };
    const line = `[image2 @ 0x55] Could not open file : ${source.url}; redirected to https://op:Pw9@10.0.0.9/x`;
    const clean = redactFfmpegText(line, source);
    expect(clean).toBe('[image2 @ 0x55] Could not open file : http://***@10.0.0.8/snap.jpg?***; redirected to https://***@10.0.0.9/x');
    expect(clean).not.toMatch(/Pw9|T0k3n/);
  });
});
