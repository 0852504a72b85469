import { readFileSync } from 'fs';
import { basename } from 'path';
import { InputError } from './errors';
import { notCloudFormation, terraformFileKind } from './terraform';
import { TemplateInput } from './types';
import { parseCloudFormationYaml } from './yaml';

/** Parses template text: JSON first, then YAML with short-form intrinsics. */
export function parseTemplateText(text: string, file: string): any {
  let template: unknown;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: Terraform is said as such, not as a YAML error quoting it.
  }
  const terraform = terraformFileKind(file, text, json);
  if (terraform) throw new InputError(file, notCloudFormation(terraform));
  if (json !== undefined) {
    template = json;
  } else {
    const yaml = parseCloudFormationYaml(text);
    if (!yaml.ok) throw new InputError(file, `neither JSON nor YAML (${yaml.error})`);
    template = yaml.value;
  }
  if (!isObject(template) || !isObject(template.Resources)) {
    throw new InputError(file, 'not a CloudFormation template (no "Resources" object)');
  }
  return template;
}

export function readTextFile(file: string): string {
  try {
    return readFileSync(file, 'utf-8');
  } catch (e) {
    throw new InputError(file, `cannot read file (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** Loads one template file; the stack name is the file name without its template extensions. */
export function loadTemplateFile(file: string): TemplateInput {
  const template = parseTemplateText(readTextFile(file), file);
  const stackName = basename(file).replace(/(\.template)?\.(json|ya?ml)$/i, '');
  return { stackName, file, template };
}

export function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
