import { spawnSync } from 'node:child_process';

/** Why the ffmpeg suites cannot run here, or null when `ffmpeg` (Debian package ffmpeg) is on PATH. */
export function ffmpegMissing(): string | null {
  const probe = spawnSync('ffmpeg', ['-hide_banner', '-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return 'ffmpeg not found on PATH: apt-get install -y ffmpeg';
  return null;
}
