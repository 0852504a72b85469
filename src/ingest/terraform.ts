import { existsSync, readdirSync } from 'fs';
import { join } from 'path';
import { isObject } from './template';

/** What a Terraform or CDKTF input is told, in one line that never quotes the file. */
export const NOT_CLOUDFORMATION = 'not a CloudFormation template or cloud assembly; export the synthesized CloudFormation or use cdk.out';

/** The one line for a Terraform input: what it is, and what to give instead. */
export function notCloudFormation(kind: string): string {
  return `${kind}, ${NOT_CLOUDFORMATION}`;
}

/**
 * What kind of Terraform input a file is, when it is one: by its name (`main.tf`, `cdk.tf.json`,
 * `terraform.tfstate`), by its JSON shape (a CDKTF / Terraform JSON configuration, `terraform show
 * -json` of a plan or state), or by HCL blocks in its text.
 */
export function terraformFileKind(file: string, text: string, json: unknown): string | undefined {
  const name = file.toLowerCase();
  if (name.endsWith('.tf.json') || name.endsWith('cdk.tf.json')) return 'a Terraform JSON configuration, as CDKTF synthesizes it';
  if (/\.(tf|tfvars|hcl)$/.test(name)) return 'a Terraform configuration';
  if (/\.tfstate(\.backup)?$/.test(name)) return 'a Terraform state';
  if (isObject(json) && !isObject(json.Resources)) {
    if (typeof json.terraform_version === 'string' || typeof json.format_version === 'string') {
      if (isObject(json.planned_values) || Array.isArray(json.resource_changes)) return 'a Terraform plan in JSON';
      return 'Terraform JSON output';
    }
    if (['resource', 'provider', 'terraform', 'data', 'module'].some((key) => isObject(json[key]))) {
      return 'a Terraform JSON configuration, as CDKTF synthesizes it';
    }
  }
  if (json === undefined && /^\s*(resource|provider|terraform|module|variable|data|output|locals)(\s+"[^"\n]*")*\s*\{/m.test(text)) {
    return 'a Terraform configuration';
  }
  return undefined;
}

/** A CDKTF output directory (`cdktf.out`: a manifest with `stacks`), or a Terraform project directory. */
export function terraformDirectoryKind(dir: string, manifest: unknown): string | undefined {
  if (isObject(manifest) && !isObject(manifest.artifacts) && isObject(manifest.stacks)) return 'a CDKTF output directory';
  if (manifest !== undefined) return undefined;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return undefined;
  }
  if (names.includes('cdktf.json')) return 'a CDKTF project';
  if (existsSync(join(dir, 'cdktf.out'))) return 'a CDKTF project';
  if (names.some((n) => n.endsWith('.tf') || n.endsWith('.tf.json'))) return 'a Terraform project';
  return undefined;
}
