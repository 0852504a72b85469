import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { FactsDocument } from '../../ingest';
import { lookupContextFacts, readContextFile } from '../../ingest/aws/cdk-context';

const LOOKUP_PREFIX = 'vpc-provider:';

/**
 * What `Vpc.fromLookup` left in the CDK context, as facts (weakest first: explicit facts are
 * merged after them and win for the same ids). The entries of `cdk.context.json` in the working
 * directory (the app's directory, where the CDK CLI reads and writes it), then the app's own
 * context, which is what the lookups of this synthesis returned (the CDK CLI passes
 * `cdk.context.json` into it; `new App({ context })` and `node.setContext` set it in code): for
 * the same key, the app's value wins. Undefined when no lookup is in either.
 */
export function lookupContextFactsOf(root: IConstruct | undefined, contextFile: string = path.resolve('cdk.context.json')): FactsDocument | undefined {
  const entries: Record<string, unknown> = {};
  const fromFile = readContextFile(contextFile);
  for (const [key, value] of Object.entries(fromFile ?? {})) if (key.startsWith(LOOKUP_PREFIX)) entries[key] = value;
  // Context set on a stack (or a stage) is seen by the lookups under it: each stack's view.
  const scopes = root ? [root, ...root.node.findAll().filter((c) => Stack.isStack(c))] : [];
  for (const scope of scopes) {
    for (const [key, value] of Object.entries<unknown>(scope.node.getAllContext() ?? {})) if (key.startsWith(LOOKUP_PREFIX)) entries[key] = value;
  }
  const facts = lookupContextFacts(entries);
  if (!facts.vpcs) return undefined;
  // Named in messages as the place the looked-up VPC is described.
  return fromFile && Object.keys(fromFile).some((key) => key.startsWith(LOOKUP_PREFIX)) ? { ...facts, file: contextFile } : facts;
}
