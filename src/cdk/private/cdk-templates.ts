import { join, resolve } from 'path';
import { CfnElement, NestedStack, Stack, Stage } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { logicalIdOf } from './logical-id';
import { nestedStackKey } from './validation-report';

/*
 * What the check of the templates needs from the construct tree, which only CDK's thread has:
 * where each stack's template is, and each resource's construct path.
 */

/** The file CDK writes a stack's template to (nested stacks included), when it has an output directory. */
export function templatePathOf(stack: Stack): string | undefined {
  const outdir = Stage.of(stack)?.outdir;
  return outdir === undefined ? undefined : join(outdir, stack.templateFile);
}

/**
 * The template file of every nested stack of the app, by parent template and parent resource.
 * The `aws:asset:path` metadata that names it in the parent template is only written when asset
 * metadata is enabled (the CDK CLI's default, not an in-process synth's), while the construct
 * tree is always at hand.
 */
export function nestedStackTemplates(root: IConstruct | undefined): Map<string, string> {
  const files = new Map<string, string>();
  for (const construct of root?.node.findAll() ?? []) {
    if (!NestedStack.isNestedStack(construct)) continue;
    const parent = construct.nestedStackParent;
    const resource = construct.nestedStackResource;
    const parentPath = parent ? templatePathOf(parent) : undefined;
    const path = templatePathOf(construct);
    if (!parent || !resource || parentPath === undefined || path === undefined) continue;
    files.set(nestedStackKey(parentPath, parent.resolve(resource.logicalId)), path);
  }
  return files;
}

/**
 * The construct path of each template resource of the stacks written to `files` (resolved
 * paths), by file and logical id. Only those stacks are looked up, once each.
 */
export function constructPathsOf(root: IConstruct | undefined, files: string[]): Record<string, Record<string, string>> {
  const paths: Record<string, Record<string, string>> = {};
  if (files.length === 0 || !root) return paths;
  const wanted = new Set(files);
  const stacks = root.node.findAll().filter((c): c is Stack => Stack.isStack(c));
  for (const stack of stacks) {
    const file = templatePathOf(stack);
    if (file === undefined || !wanted.has(resolve(file))) continue;
    const ofFile: Record<string, string> = paths[resolve(file)] ??= {};
    for (const element of stack.node.findAll()) {
      if (!CfnElement.isCfnElement(element) || element.stack !== stack) continue;
      ofFile[logicalIdOf(element)] = element.node.path;
    }
  }
  return paths;
}
