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
