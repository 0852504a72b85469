import { CfnElement, CfnResource, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Whether `construct` is a CloudFormation resource of `type` (`AWS::EC2::VPC`), by CDK's own type
 * test and the resource type, never `instanceof`: an app that loads a second copy of aws-cdk-lib
 * (a library installed from a local path brings its own) builds its resources from classes that
 * are not this copy's, and `instanceof` would call them foreign.
 */
export function isCfnResourceOfType<T extends CfnResource = CfnResource>(construct: unknown, type: string): construct is T {
  return !!construct && typeof construct === 'object' && CfnResource.isCfnResource(construct as IConstruct) && (construct as CfnResource).cfnResourceType === type;
}

/**
 * Whether the tree under `scope` was built with another copy of aws-cdk-lib than this library's:
 * a stack or element CDK's own type tests accept that is not an instance of this copy's class.
 */
export function builtWithAnotherCdkCopy(scope: IConstruct): boolean {
  for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
    if (Stack.isStack(s) && !(s instanceof Stack)) return true;
  }
  for (const c of scope.node.children) {
    if (Stack.isStack(c) && !(c instanceof Stack)) return true;
    if (CfnElement.isCfnElement(c) && !(c instanceof CfnElement)) return true;
  }
  const stack = scope.node.findAll().find((c) => Stack.isStack(c));
  return !!stack && !(stack instanceof Stack);
}

/** The text that says two copies were found, and the fix. */
export const TWO_CDK_COPIES_MESSAGE = 'cdk-glue-netplan was loaded with another copy of aws-cdk-lib than the app '
  + '(typically a library installed from a local path or linked, with its own node_modules/aws-cdk-lib). The guard and '
  + 'auto-peer use CDK\'s own type tests and work, but two copies double the memory of synth and other libraries may '
  + 'not cope. Fix: install one copy: `npm dedupe`, or make aws-cdk-lib and constructs peer dependencies of the linked '
  + 'library and remove them from its node_modules (`npm install --install-links` instead of `npm link`).';
