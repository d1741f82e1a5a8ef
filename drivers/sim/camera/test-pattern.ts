import { FfmpegProcess } from '../../camera/ffmpeg-process.js';
import { JpegStreamSplitter } from '../../camera/jpeg-splitter.js';
import { systemClock } from '../../../src/util/clock.js';
import { TypedEmitter } from '../../../src/util/typed-events.js';

export interface TestPatternOptions {
  width?: number;
  height?: number;
  fps?: number;
  ffmpegPath?: string;
}

export type TestPatternEvents = {
  /** One JPEG image of the moving test pattern. */
  image: [jpeg: Buffer];
};

/**
 * The picture behind the simulated cameras: ffmpeg's own test source (lavfi testsrc2, a moving pattern
 * with a frame counter) encoded as JPEG in real time and split into images. Small by default (320x240 at
 * 10 fps) so several simulated cameras stay cheap on a 2-core machine.
 */
export class TestPatternJpegSource extends TypedEmitter<TestPatternEvents> {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  private readonly ffmpegPath: string;
  private proc: FfmpegProcess | null = null;
  private latestImage: Buffer | null = null;
  private lastError = '';

  constructor(opts: TestPatternOptions = {}) {
    super();
    this.width = opts.width ?? 320;
    this.height = opts.height ?? 240;
    this.fps = opts.fps ?? 10;
    this.ffmpegPath = opts.ffmpegPath ?? 'ffmpeg';
  }

  /** Resolves with the first image; rejects when ffmpeg cannot produce one. */
  start(): Promise<Buffer> {
    if (this.proc) throw new Error('test pattern already started');
    const splitter = new JpegStreamSplitter();
    return new Promise<Buffer>((resolve, reject) => {
      this.proc = new FfmpegProcess({
        ffmpegPath: this.ffmpegPath,
        clock: systemClock,
        args: [
          '-hide_banner',
          '-nostdin',
          '-loglevel',
          'error',
          '-re',
          '-f',
          'lavfi',
          '-i',
          `testsrc2=size=${this.width}x${this.height}:rate=${this.fps}`,
          '-c:v',
          'mjpeg',
          '-q:v',
          '7',
          '-pix_fmt',
          'yuvj420p',
          '-f',
          'image2pipe',
          'pipe:1',
        ],
        onStdout: (chunk) => {
          for (const image of splitter.push(chunk)) {
            if (this.latestImage === null) resolve(image.jpeg);
            this.latestImage = image.jpeg;
            this.emit('image', image.jpeg);
          }
        },
        onStderrLine: (line) => {
          this.lastError = line;
        },
        onExit: (exit) => {
          this.proc = null;
          reject(new Error(`test pattern ffmpeg ended (code ${exit.code}, ${exit.spawnError?.message ?? this.lastError})`));
        },
      });
    });
  }

  latest(): Buffer | null {
    return this.latestImage;
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (proc) await proc.stop();
  }
}
