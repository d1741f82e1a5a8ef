import { z } from 'zod';
import { deviceNameSchema } from '../device-name.js';

/** A URL with one of `protocols` (`rtsp:` ...) and a host; anything else is rejected with an example. */
function urlSchema(protocols: readonly string[], example: string) {
  return z.string().refine(
    (text) => {
      try {
        const url = new URL(text);
        return protocols.includes(url.protocol) && url.hostname !== '';
      } catch {
        return false;
      }
    },
    { message: `must be a ${protocols.map((p) => p.replace(':', '')).join(' or ')} URL, e.g. ${example}` },
  );
}

/** Where the pictures come from; each kind is one way of feeding ffmpeg. */
export const cameraSourceSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('rtsp').describe('IP camera stream over RTSP; always interleaved over TCP (no lost UDP packets).'),
    url: urlSchema(['rtsp:', 'rtsps:'], 'rtsp://user:pass@10.0.0.21:554/stream1').describe(
      'RTSP URL; credentials in it are never logged.',
    ),
    analyzeDurationMs: z
      .number()
      .int()
      .min(100)
      .max(10_000)
      .default(1_000)
      .describe(
        "Stream time ffmpeg examines before the first frame (its default, 5 s, delays every restart). Raise it for a camera whose SDP lacks the H.264 parameter sets and whose keyframes are further apart.",
      ),
  }),
  z.strictObject({
    kind: z.literal('http-mjpeg').describe('Camera serving multipart/x-mixed-replace MJPEG over HTTP.'),
    url: urlSchema(['http:', 'https:'], 'http://10.0.0.22/mjpg/video.mjpg').describe('Stream URL; credentials are never logged.'),
  }),
  z.strictObject({
    kind: z.literal('http-snapshot').describe('Camera answering one JPEG per HTTP request; polled at `fps`.'),
    url: urlSchema(['http:', 'https:'], 'http://10.0.0.23/snapshot.jpg').describe('Snapshot URL; credentials are never logged.'),
  }),
  z.strictObject({
    kind: z.literal('v4l2').describe('USB (UVC) camera through Video4Linux2.'),
    device: z
      .string()
      .regex(/^\/dev\/\S+$/, { message: 'must be a device path, e.g. /dev/v4l/by-id/usb-...-video-index0' })
      .describe('Prefer /dev/v4l/by-id/... over /dev/video0 (numbering changes across replugs).'),
    inputFormat: z
      .enum(['mjpeg', 'yuyv422'])
      .default('mjpeg')
      .describe('What the camera sends; mjpeg allows higher resolutions over USB 2.'),
    captureSize: z
      .string()
      .regex(/^\d{2,5}x\d{2,5}$/, { message: "must be WIDTHxHEIGHT, e.g. '1280x720'" })
      .optional()
      .describe('Capture mode asked of the camera (its default when absent).'),
  }),
  z.strictObject({
    kind: z.literal('file').describe('A recorded video file replayed in real time, looping (technicians, demos).'),
    path: z.string().min(1, { message: 'must name a video file' }).describe('Video file ffmpeg can read (mp4, mkv, avi ...).'),
  }),
]);

/**
 * Configuration of a camera read through one ffmpeg child process. Frames come out as JPEG at `fps`,
 * scaled when `width`/`height` are set.
 */
export const cameraConfigSchema = z.strictObject({
  type: z.literal('camera').describe('Camera read through an ffmpeg child process (RTSP, HTTP MJPEG/snapshot, V4L2, file).'),
  name: deviceNameSchema.describe('Device name, unique in the lane.'),
  source: cameraSourceSchema,
  fps: z
    .number()
    .positive()
    .max(60)
    .nullable()
    .default(5)
    .describe("Frames per second delivered; null keeps the camera's own rate (snapshots are then polled at 1/s)."),
  width: z.number().int().min(16).max(7680).optional().describe('Scale to this width (height keeps the aspect when absent).'),
  height: z.number().int().min(16).max(4320).optional().describe('Scale to this height (width keeps the aspect when absent).'),
  jpegQuality: z.number().int().min(2).max(31).default(5).describe('ffmpeg JPEG quantiser: 2 is best, 31 smallest.'),
  stallTimeoutMs: z
    .number()
    .int()
    .min(500)
    .max(120_000)
    .default(5_000)
    .describe('Watchdog: ffmpeg is killed and restarted when no frame arrives for this long.'),
  connectTimeoutMs: z
    .number()
    .int()
    .min(1_000)
    .max(60_000)
    .default(8_000)
    .describe("Time for the first frame after a start; keep it under the supervisor's 10 s open timeout."),
  ffmpegPath: z.string().min(1).default('ffmpeg').describe('ffmpeg executable (Debian package ffmpeg).'),
});

export type CameraConfig = z.infer<typeof cameraConfigSchema>;
export type CameraSource = CameraConfig['source'];
