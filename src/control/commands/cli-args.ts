import { UsageError } from '../command-spec.js';

/**
 * Small helpers for CommandSpec.parseCli, so each command file stays a few lines. They work on
 * what follows the command words once lanectl has taken its global options out.
 */

/** For commands that take nothing. */
export function expectNoArgs(name: string, rest: readonly string[]): Record<string, never> {
  if (rest.length > 0) throw new UsageError(`'${name}' takes no arguments, got: ${rest.join(' ')}`);
  return {};
}

/** Positional arguments only; options (words starting with -) are refused with their name. */
export function positionals(name: string, rest: readonly string[], min: number, max: number): string[] {
  const words: string[] = [];
  let onlyPositionals = false;
  for (const word of rest) {
    if (!onlyPositionals && word === '--') {
      onlyPositionals = true;
      continue;
    }
    if (!onlyPositionals && word.startsWith('-') && word !== '-') {
      throw new UsageError(`'${name}' has no option ${word}`);
    }
    words.push(word);
  }
  if (words.length < min) {
    throw new UsageError(`'${name}' needs ${min === max ? min : `at least ${min}`} argument${min === 1 ? '' : 's'}`);
  }
  if (words.length > max) {
    throw new UsageError(`'${name}' takes at most ${max} argument${max === 1 ? '' : 's'}, got ${words.length}`);
  }
  return words;
}
