/** One CloudFormation template to read, with the environment it deploys to. */
export interface TemplateInput {
  /** Stack name; model ids of the template's resources are `${stackName}/${logicalId}`. */
  readonly stackName: string;
  /** The CDK display name (`Stage/Stack`), when the cloud assembly gives one. */
  readonly displayName?: string;
  /**
   * The stack's name in CloudFormation, when `stackName` is not it: a stack named by its construct
   * path because another stack of its name deploys to another account or Region (`Dev/Etl` for
   * the `etl` of a Dev stage). What `--compare` lists the deployed stack by.
   */
  readonly deployedStackName?: string;
  /** File the template was read from. */
  readonly file?: string;
  readonly template: any;
  /** Undefined when unknown (environment-agnostic stack). */
  readonly region?: string;
  readonly account?: string;
  /** Values given to the template's `Parameters` (a nested stack's parent passes them). */
  readonly parameters?: Record<string, unknown>;
  /**
   * The stack in whose context `parameters` values are evaluated (a nested stack's parent, whose
   * resources the values refer to). Absent: the values are literals.
   */
  readonly parametersStackName?: string;
  /**
   * Values the user gave for the template's parameters (the CLI's `--parameters`): what each
   * parameter is at deploy time, literally. They win over `parameters` and defaults, and an
   * `AWS::SSM::Parameter::Value<...>` parameter given here is the SSM parameter's value, not its name.
   */
  readonly givenParameters?: Readonly<Record<string, string>>;
}
