import { ResourceReader } from './reader';

/**
 * `AWS::CloudFormation::Stack`: the nested stack is read as its own template, named like the
 * resource's model id. One whose template was not found is named, never skipped in silence:
 * whatever it defines (jobs, connections, the network) is not checked, and its outputs are unknown.
 */
export function readNestedStack(r: ResourceReader): void {
  if (r.context.inputs.hasStack(r.id)) return;
  const url = r.resource.Properties?.TemplateURL;
  const handWritten = 'Give glue-netplan the nested template: set TemplateURL to its local path, relative to the parent template'
    + ' (as `aws cloudformation package` takes it), or download it and check it as a template of its own, giving the values'
    + ' the parent passes with --parameters.';
  let why: string;
  let fix: string;
  if (typeof url === 'string' && /^(https?|s3):/i.test(url)) {
    why = `its TemplateURL ${url} is a URL, and glue-netplan does not download templates`;
    fix = handWritten;
  } else if (typeof url === 'string') {
    why = `its TemplateURL ${url} names no template beside the parent`;
    fix = handWritten;
  } else if (url !== undefined && r.resource.Metadata?.['aws:cdk:path'] === undefined && r.input.displayName === undefined) {
    // A hand-written parent building the URL (`!Sub https://${Bucket}.s3.amazonaws.com/...`):
    // a template in S3 too, not a cloud assembly's (CDK marks its resources with their path, and
    // a stack read from a cloud assembly has the manifest's display name even when synthesized
    // without path metadata).
    const evaluated = r.evaluate(url);
    why = typeof evaluated === 'string' && !evaluated.includes('{{')
      ? `its TemplateURL ${evaluated} is a URL, and glue-netplan does not download templates`
      : 'its TemplateURL is a URL built at deploy time, and glue-netplan does not download templates';
    fix = handWritten;
  } else {
    why = 'no template file in the cloud assembly is named for it (no aws:asset:path metadata, as `cdk synth --no-asset-metadata`'
      + ' writes, and no asset manifest entry for its TemplateURL)';
    fix = 'Synthesize with asset metadata (the default of `cdk synth`) and check that cdk.out, asset manifests included.';
  }
  r.notRead(
    `Nested stack ${r.describe()} (AWS::CloudFormation::Stack) was not read: ${why}. The Glue jobs, connections and network`
    + ' it defines are not checked, and every output of it that another template uses is unknown.',
    fix,
  );
}
