import { UsageError } from '../command-spec.js';

/**
 * Takes one numeric option (`--seconds 5` or `--seconds=5`) out of a command's words, for the
 * device commands; what remains goes through positionals() as usual.
 */
export function takeNumberOption(
  command: string,
  rest: readonly string[],
  option: string,
  range: { min: number; max: number; integer?: boolean },
): { value: number | undefined; rest: string[] } {
  const left: string[] = [];
  let value: number | undefined;
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (word === '--') {
      left.push(...rest.slice(i));
      break;
    }
    let text: string | undefined;
    if (word === option) {
      text = rest[i + 1];
      if (text === undefined) throw new UsageError(`'${command}' ${option} needs a value`);
      i++;
    } else if (word.startsWith(`${option}=`)) {
      text = word.slice(option.length + 1);
    } else {
      left.push(word);
      continue;
    }
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < range.min || n > range.max || (range.integer === true && !Number.isInteger(n))) {
      throw new UsageError(`'${command}' ${option} must be ${range.integer ? 'a whole number' : 'a number'} from ${range.min} to ${range.max}, got '${text}'`);
    }
    value = n;
  }
  return { value, rest: left };
}
