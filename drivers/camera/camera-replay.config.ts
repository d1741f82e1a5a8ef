import { z } from 'zod';
import { deviceNameSchema } from '../device-name.js';

/**
 * Configuration of the replay camera: JPEG files from a folder (or one file) delivered as camera frames at
 * a fixed rate, for technicians checking recognition on site and for benchmarks (no ffmpeg, no decoding:
 * the files' bytes are the frames, so a benchmark measures the pipeline, not the source).
 */
export const cameraReplayConfigSchema = z.strictObject({
  type: z.literal('camera-replay').describe('Replays .jpg/.jpeg files from a folder as camera frames.'),
  name: deviceNameSchema.describe('Device name, unique in the lane.'),
  path: z
    .string()
    .min(1, { message: 'must name a folder of .jpg/.jpeg files or one such file' })
    .describe('Folder of .jpg/.jpeg files (played in natural name order) or a single .jpg file.'),
  fps: z.number().positive().max(60).default(5).describe('Frames per second.'),
  loop: z.boolean().default(true).describe('Start again after the last file; false stops after one pass.'),
});

export type CameraReplayConfig = z.infer<typeof cameraReplayConfigSchema>;
