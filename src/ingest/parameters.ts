import { InputError } from './errors';
import { isObject, readTextFile } from './template';
import { TemplateInput } from './types';

/**
 * Parameter values the user gives, the way CloudFormation users give them: `Key=Value`, or a
 * file, each for every stack that declares the key or, with `stack`, for one stack.
 */
export type ParameterSource =
  | { readonly stack?: string; readonly key: string; readonly value: string }
  | { readonly stack?: string; readonly file: string };

/**
 * Reads one `--parameters` argument: `Key=Value`, `Stack:Key=Value`, a file, or `Stack:file`
 * (a stack name has no `/` or `\`, and is more than one letter, so `C:\params.json` is a file).
 */
export function parseParameterArgument(text: string): ParameterSource {
  const eq = text.indexOf('=');
  if (eq >= 0) {
    const left = text.slice(0, eq);
    const colon = left.lastIndexOf(':');
    const [stack, key] = colon > 0 ? [left.slice(0, colon), left.slice(colon + 1)] : [undefined, left];
    if (key === '' || /\s/.test(key)) throw new Error(`--parameters ${text}: expected Key=Value or Stack:Key=Value`);
    return stack === undefined ? { key, value: text.slice(eq + 1) } : { stack, key, value: text.slice(eq + 1) };
  }
  const qualified = /^([^:/\\]{2,}):(.+)$/.exec(text);
  return qualified ? { stack: qualified[1], file: qualified[2] } : { file: text };
}

/**
 * A parameters file in either shape in use: the AWS CLI's `[{"ParameterKey", "ParameterValue"}]`
 * (`aws cloudformation create-stack --parameters file://...`), or a CodePipeline template
 * configuration file `{"Parameters": {"Key": "Value"}}`.
 */
export function readParametersFile(file: string): Record<string, string> {
  let document: unknown;
  try {
    document = JSON.parse(readTextFile(file));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(file, `parameters file is not valid JSON (${(e as Error).message})`);
  }
  const values: Record<string, string> = {};
  const shapes = 'expected [{"ParameterKey": "...", "ParameterValue": "..."}] or {"Parameters": {"Key": "Value"}}';
  if (Array.isArray(document)) {
    document.forEach((entry, index) => {
      if (!isObject(entry) || typeof entry.ParameterKey !== 'string') throw new InputError(file, `entry ${index} has no "ParameterKey" (${shapes})`);
      if (entry.UsePreviousValue === true && entry.ParameterValue === undefined) {
        throw new InputError(file, `parameter ${entry.ParameterKey} uses its previous value, which only the deployed stack knows: give its value`);
      }
      values[entry.ParameterKey] = scalar(file, entry.ParameterKey, entry.ParameterValue);
    });
    return values;
  }
  if (isObject(document) && isObject(document.Parameters)) {
    for (const [key, value] of Object.entries(document.Parameters)) values[key] = scalar(file, key, value);
    return values;
  }
  throw new InputError(file, `not a parameters file: ${shapes}`);
}

function scalar(file: string, key: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  // The AWS CLI also takes a list for a List<> or CommaDelimitedList parameter.
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.join(',');
  throw new InputError(file, `parameter ${key}: the value must be a string`);
}

/**
 * The inputs with the given parameter values. A value for a named stack must name one of the
 * stacks read (by stack name or CDK display name) and a parameter it declares; an unnamed one
 * goes to every top-level stack that declares the key, and must fit at least one, as
 * CloudFormation rejects a parameter its template does not declare.
 *
 * @param resolve turns a file argument into a path
 */
export function applyParameters(inputs: TemplateInput[], sources: readonly ParameterSource[], resolve: (file: string) => string = (f) => f): TemplateInput[] {
  if (sources.length === 0) return inputs;
  const given = new Map<TemplateInput, Record<string, string>>();
  const declares = (input: TemplateInput, key: string) => isObject(input.template.Parameters) && isObject(input.template.Parameters[key]);
  const stackNames = () => inputs.map((i) => i.stackName).join(', ');
  for (const source of sources) {
    const values = 'file' in source ? readParametersFile(resolve(source.file)) : { [source.key]: source.value };
    const what = 'file' in source ? source.file : `${source.stack ? `${source.stack}:` : ''}${source.key}`;
    let targets: TemplateInput[];
    if (source.stack !== undefined) {
      targets = inputs.filter((i) => i.stackName === source.stack || i.displayName === source.stack);
      if (targets.length === 0) throw new InputError(`--parameters ${what}`, `no stack named ${source.stack} was read (stacks: ${stackNames()})`);
    } else {
      targets = inputs.filter((i) => i.parametersStackName === undefined);
    }
    for (const [key, value] of Object.entries(values)) {
      const declaring = targets.filter((i) => declares(i, key));
      if (declaring.length === 0) {
        const where = source.stack !== undefined ? `stack ${source.stack}` : 'any template read';
        throw new InputError(`--parameters ${what}`, `parameter ${key} is not declared by ${where} (CloudFormation rejects it)`);
      }
      for (const input of declaring) {
        let forInput = given.get(input);
        if (!forInput) given.set(input, forInput = {});
        forInput[key] = value;
      }
    }
  }
  return inputs.map((input) => {
    const values = given.get(input);
    return values ? { ...input, givenParameters: { ...input.givenParameters, ...values } } : input;
  });
}
