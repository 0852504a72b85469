/**
 * Bad input the user must fix: an unreadable file, text that is neither JSON nor YAML, a directory
 * without `manifest.json`, a malformed facts file. The message is one line naming the file and the
 * problem; the CLI maps this error to exit code 2.
 */
export class InputError extends Error {
  constructor(file: string, problem: string) {
    super(`${file}: ${oneLine(problem)}`);
    this.name = 'InputError';
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}

/**
 * Template content CloudFormation itself would reject, found while a value is evaluated (an
 * `Fn::Cidr` count outside 1..256). The model builder turns it into an InputError naming the file
 * and the resource.
 */
export class TemplateError extends Error {
  /** `file`: the template whose value it is. */
  constructor(problem: string, readonly file?: string) {
    super(oneLine(problem));
    this.name = 'TemplateError';
  }
}

/** A JavaScript stack overflow (a value nested too deeply to evaluate), not our bug. */
export function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}
