/** An 8-bit RGB image, pixels interleaved row by row (3 bytes per pixel). */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export type ImageErrorCode = 'image_empty' | 'image_corrupt' | 'image_too_large' | 'image_unsupported' | 'image_bad_frame';

/** A frame or file the pipeline cannot use; the message says what to do about it. */
export class ImageError extends Error {
  constructor(
    readonly code: ImageErrorCode,
    detail: string,
    readonly fix: string,
  ) {
    super(`${detail}; ${fix}`);
    this.name = 'ImageError';
  }
}

/** Default ceiling: 40 Mpixel (an 8K frame is 33 Mpixel); a 10,000 x 10,000 frame is refused. */
export const DEFAULT_MAX_PIXELS = 40_000_000;

/**
 * Wraps a raw RGB frame (e.g. from the camera driver) after checking it is usable: positive
 * integer size, within the pixel ceiling, and exactly width*height*3 bytes.
 */
export function rgbFrame(width: number, height: number, data: Uint8Array, maxPixels = DEFAULT_MAX_PIXELS): RgbImage {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new ImageError('image_empty', `frame size ${width}x${height} is empty or invalid`, 'check the camera stream settings (width and height must be positive)');
  }
  if (width * height > maxPixels) {
    throw new ImageError('image_too_large', `frame ${width}x${height} exceeds the ${maxPixels} pixel limit`, 'configure the camera for a smaller resolution (1280x720 or 1920x1080)');
  }
  if (data.length !== width * height * 3) {
    throw new ImageError('image_bad_frame', `frame ${width}x${height} should hold ${width * height * 3} RGB bytes but has ${data.length}`, 'the camera driver must deliver packed 8-bit RGB');
  }
  return { width, height, data };
}

/** Luma (BT.601) of one pixel index, 0..255. */
export function luma(img: RgbImage, index: number): number {
  const d = img.data;
  const o = index * 3;
  return 0.299 * d[o]! + 0.587 * d[o + 1]! + 0.114 * d[o + 2]!;
}
