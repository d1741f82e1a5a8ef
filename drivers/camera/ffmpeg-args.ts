import type { CameraConfig, CameraSource } from './camera.config.js';

/**
 * The ffmpeg command line for a camera (Debian's ffmpeg 5.1). Pure, so every source's options are
 * unit-tested without spawning anything.
 *
 * Output, whatever the input: JPEG images concatenated on stdout (`-f image2pipe -c:v mjpeg`), split by
 * JpegStreamSplitter. `-pix_fmt yuvj420p` is the full-range format ffmpeg's MJPEG encoder expects.
 */
export function buildFfmpegArgs(config: CameraConfig): string[] {
  const filters: string[] = [];
  if (config.fps !== null && config.source.kind !== 'http-snapshot') filters.push(`fps=${config.fps}`);
  if (config.width !== undefined || config.height !== undefined) {
    // -2: keep the aspect ratio with an even size (the 4:2:0 encoder needs even dimensions).
    filters.push(`scale=${config.width ?? -2}:${config.height ?? -2}`);
  }
  return [
    '-hide_banner',
    '-nostdin', // ffmpeg otherwise reads the terminal for 'q' and can stop on SIGTTIN in the background
    '-nostats',
    '-loglevel',
    'error',
    ...inputArgs(config.source, config),
    '-an', // video only: no audio, subtitle or data streams are decoded
    '-sn',
    '-dn',
    ...(filters.length > 0 ? ['-vf', filters.join(',')] : []),
    '-c:v',
    'mjpeg',
    '-q:v',
    String(config.jpegQuality),
    '-pix_fmt',
    'yuvj420p',
    '-f',
    'image2pipe',
    'pipe:1',
  ];
}

function inputArgs(source: CameraSource, config: CameraConfig): string[] {
  const ioTimeoutUs = String(config.connectTimeoutMs * 1_000);
  switch (source.kind) {
    case 'rtsp':
      return [
        '-rtsp_transport',
        'tcp', // interleaved RTP over the RTSP connection: no UDP ports to open, no lost packets
        '-timeout', // ffmpeg 5.x: socket I/O timeout in microseconds (was -stimeout); bounds a dead host
        ioTimeoutUs,
        '-analyzeduration',
        String(source.analyzeDurationMs * 1_000),
        '-fflags',
        '+discardcorrupt',
        '-i',
        source.url,
      ];
    case 'http-mjpeg':
      return [
        // The raw MJPEG demuxer finds images by their markers and skips whatever lies between them
        // (multipart headers, noise). The multipart demuxer ffmpeg would pick stops the whole stream at
        // the first byte that is not a boundary.
        '-f',
        'mjpeg',
        // That demuxer would time the images at an assumed 25 fps, so `fps=` would keep the wrong ones;
        // the arrival time is the truth for a live camera.
        '-use_wallclock_as_timestamps',
        '1',
        '-rw_timeout',
        ioTimeoutUs,
        '-i',
        source.url,
      ];
    case 'http-snapshot':
      return [
        '-re', // read at -framerate: one request per frame, not as fast as the camera answers
        '-f',
        'image2',
        '-loop',
        '1', // image2 re-opens (re-requests) the URL for every frame
        '-framerate',
        String(config.fps ?? 1),
        // No probing: with -re, every snapshot fetched while probing would be queued and played out
        // later, so frames would lag seconds behind the camera (measured: 17 frames, ~3.5 s at 5 fps).
        '-analyzeduration',
        '0',
        '-probesize',
        '32',
        // No I/O timeout here: image2 does not pass it on to http. A hung request is the watchdog's case.
        '-i',
        source.url,
      ];
    case 'v4l2':
      return [
        '-f',
        'v4l2',
        '-input_format',
        source.inputFormat,
        ...(source.captureSize !== undefined ? ['-video_size', source.captureSize] : []),
        ...(config.fps !== null ? ['-framerate', String(Math.ceil(config.fps))] : []),
        '-i',
        source.device,
      ];
    case 'file':
      return ['-re', '-stream_loop', '-1', '-i', source.path];
  }
}

/** What the source is, for logs and reasons: the URL without credentials or query, or the path. */
export function describeSource(source: CameraSource): string {
  switch (source.kind) {
    case 'rtsp':
    case 'http-mjpeg':
    case 'http-snapshot':
      return redactUrl(source.url);
    case 'v4l2':
      return source.device;
    case 'file':
      return source.path;
  }
}

/**
 * A URL safe to log: user info and the query string are replaced, since cameras take credentials in
 * either (`rtsp://admin:pw@...`, `snapshot.cgi?user=admin&pwd=...`).
 */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    const auth = url.username !== '' || url.password !== '' ? '***@' : '';
    const query = url.search !== '' ? '?***' : '';
    return `${url.protocol}//${auth}${url.host}${url.pathname}${query}`;
  } catch {
    return '(unparsable URL)';
  }
}

/**
 * Cleans an ffmpeg stderr line before it reaches a log or a health reason: ffmpeg prints the input URL,
 * credentials included, in its error messages.
 */
export function redactFfmpegText(line: string, source: CameraSource): string {
  let text = line;
  if ('url' in source) text = text.split(source.url).join(redactUrl(source.url));
  // Any other URL with user info (after a redirect, for instance).
  text = text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@');
  return text;
}
