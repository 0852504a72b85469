/**
 * Turns off, for the tests of the calling file, CDK's own CloudFormation template check
 * (aws-cdk-lib's built-in validation plugin): it warns, on the console, of the literal VPC, subnet
 * and zone ids of test fixtures, which is not what these tests check.
 *
 * The CDK_VALIDATION variable works with every supported aws-cdk-lib; the App property
 * `builtinCloudFormationValidation` is newer than the minimum (2.270.0).
 */
export function withoutCdkTemplateCheck(): void {
  let before: string | undefined;
  beforeAll(() => {
    before = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'false';
  });
  afterAll(() => {
    if (before === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = before;
  });
}

/**
 * Runs `fn` with what it prints on console.error captured rather than shown: CDK prints the
 * validation report of a synthesis whose violations are only warnings. The caller checks them.
 */
export function capturingConsoleError<T>(fn: () => T): { readonly result: T; readonly printed: string } {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => { lines.push(args.map(String).join(' ')); });
  try {
    return { result: fn(), printed: lines.join('\n') };
  } finally {
    spy.mockRestore();
  }
}
