import { describe, expect, it } from 'vitest';
import { classifyFfmpegError, describeExit, openErrorFromExit } from '../../../../drivers/camera/ffmpeg-open-error.js';

const exit = (code: number | null, signal: NodeJS.Signals | null = null) => ({ code, signal, spawnError: null });

describe('ffmpeg failures as stable reasons', () => {
  it.each([
    [['[tcp @ 0x1] Connection to tcp://10.0.0.5:554?timeout=0 failed: Connection refused', 'Could not open file'], 'ECONNREFUSED'],
    [['http://***@h/s: Server returned 401 Unauthorized (authorization failed)'], 'EAUTH'],
    [['http://h/x: Server returned 404 Not Found'], 'ENOENT'],
    [['[tcp @ 0x1] Failed to resolve hostname cam.invalid: Name or service not known'], 'ENOTFOUND'],
    [['[tcp @ 0x1] Connection to tcp://10.9.9.9:554 failed: Connection timed out'], 'ETIMEDOUT'],
    [['[video4linux2,v4l2 @ 0x1] ioctl(VIDIOC_STREAMON): Device or resource busy'], 'EBUSY'],
    [['rtsp://h/s: Invalid data found when processing input'], 'EBADSTREAM'],
    [['method SETUP failed: 461 Unsupported Transport'], 'ETRANSPORT'],
    [['Unrecognized option \'rw_timeout\'.'], 'EFFMPEGVERSION'],
  ])('%j -> %s', (lines, code) => {
    expect(classifyFfmpegError(lines)?.code).toBe(code);
  });

  it('prefers the cause over the consequence, whatever the order of the lines', () => {
    const lines = ['[tcp] Connection to tcp://h:80 failed: Connection refused', 'http://h/snap.jpg: No such file or directory'];
    expect(classifyFfmpegError(lines)).toEqual({ code: 'ECONNREFUSED', line: lines[0] });
  });

  it('describes an exit in one line', () => {
    expect(describeExit(exit(0), [])).toBe('ffmpeg stream ended');
    expect(describeExit(exit(1), ['a', 'b: went wrong'])).toBe('ffmpeg exited with code 1: b: went wrong');
    expect(describeExit(exit(null, 'SIGKILL'), [])).toBe('ffmpeg killed by SIGKILL');
  });

  it('builds the open error: code, the telling line, the (redacted) source', () => {
    const err = openErrorFromExit('cam', 'ffmpeg', 'rtsp://***@h/s', exit(1), ['noise', 'x: Connection refused', 'more noise']);
    expect(err.message).toBe('ECONNREFUSED: ffmpeg exited with code 1: x: Connection refused (rtsp://***@h/s)');
    expect(err.code).toBe('ECONNREFUSED');
    expect(openErrorFromExit('cam', 'ffmpeg', 'src', exit(0), []).message).toBe('ENODATA: stream ended before the first frame (src)');
    expect(openErrorFromExit('cam', 'ffmpeg', 'src', exit(8), ['something new']).message).toBe('EFFMPEG: ffmpeg exited with code 8: something new (src)');
  });

  it('names a missing ffmpeg executable', () => {
    const spawnError = Object.assign(new Error('spawn /opt/ff ENOENT'), { code: 'ENOENT' });
    const err = openErrorFromExit('cam', '/opt/ff', 'src', { code: null, signal: null, spawnError }, []);
    expect(err.message).toBe('ENOENT: ffmpeg not found: /opt/ff (install the Debian package ffmpeg)');
  });
});
