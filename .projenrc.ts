import { awscdk, javascript } from 'projen';

const project = new awscdk.AwsCdkConstructLibrary({
  author: 'cdk-glue-netplan developers',
  authorAddress: 'dev@cdk-glue-netplan.invalid',
  name: 'cdk-glue-netplan',
  description: 'Synth-time planning and validation of AWS Glue job networking: connection selection, VPC reachability, auto-peering.',
  keywords: ['cdk', 'aws-cdk', 'glue', 'vpc', 'peering', 'networking', 'validation'],
  repositoryUrl: 'https://github.com/cdk-glue-netplan/cdk-glue-netplan.git',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,
  jsiiVersion: '~6.0.0',

  // Minimum supported aws-cdk-lib: has AspectPriority, Validations and the stable aws-glue L2s.
  // The dev dependency is pinned to it (jsii's rule: compile against the oldest version users may
  // have); .ci/run also runs the CDK-facing tests against the newest aws-cdk-lib.
  cdkVersion: '2.270.0',
  constructsVersion: '10.5.1',

  // Every CDK language (jsii-pacmak). Only npm is published so far: see README, "Install".
  publishToPypi: { distName: 'cdk-glue-netplan', module: 'cdk_glue_netplan' },
  publishToMaven: {
    javaPackage: 'io.github.cdkgluenetplan',
    mavenGroupId: 'io.github.cdk-glue-netplan',
    mavenArtifactId: 'cdk-glue-netplan',
  },
  publishToNuget: { dotNetNamespace: 'CdkGlueNetplan', packageId: 'CdkGlueNetplan' },
  publishToGo: { moduleName: 'github.com/cdk-glue-netplan/cdk-glue-netplan-go', packageName: 'cdkgluenetplan' },

  // No hosted CI/release plumbing: CI is `.ci/run`.
  github: false,
  release: false,

  // Runtime deps that are not jsii modules are bundled.
  bundledDeps: ['yaml@^2.9.0', '@aws-sdk/client-ec2@^3.1169.0', '@aws-sdk/client-glue@^3.1169.0',
    // Drift (issue 16): template logical ids to deployed physical ids.
    '@aws-sdk/client-cloudformation@^3.1169.0',
    // The stores behind connection URLs (issue 16): same minor line as client-ec2.
    '@aws-sdk/client-rds@^3.1169.0', '@aws-sdk/client-redshift@^3.1169.0', '@aws-sdk/client-kafka@^3.1169.0',
    // Private hosted zones that may override an AWS service's name in a VPC (--from-aws).
    '@aws-sdk/client-route-53@^3.1169.0'],
  devDeps: [
    'fast-check@^4',
    'aws-cdk@^2.1000.0',
    // The benchmark's anchor: the checks users already run at synth (bench/, not shipped).
    'cdk-nag@^3',
    // Reports (issue 4): a real Graphviz renderer for the diagram tests, the SARIF schema validator.
    '@viz-js/viz@^3.31.0',
    'ajv@^8.20.0',
    'ajv-formats@^3.0.1',
    // Issue 13: jobs built with the alpha Glue L2s (its RayJob; it has no crawler construct) are
    // planned. 2.192.0-alpha.0 is its last release (peer aws-cdk-lib ^2.192.0, met by the pinned
    // 2.270.0 and by the newest version .ci/run tests against); the stable L2s moved to aws-cdk-lib.
    '@aws-cdk/aws-glue-alpha@2.192.0-alpha.0',
  ],
  bin: { 'glue-netplan': 'lib/cli/main.js' },

  gitignore: ['cdk.out', '/examples/**/cdk.out', '/bench/out/', '/.bench/'],
  // The npm tarball is the library: lib/, .jsii, API.md, README, RULES.md, docs/ (and LICENSE).
  npmIgnoreOptions: {
    ignorePatterns: ['/bench/', '/examples/', '/.ci/', '/BENCHMARKS.md', 'cdk.out'],
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'bench'],
  },
  jestOptions: {
    jestConfig: {
      testTimeout: 120_000,
    },
  },
});


// The jsii compiler's warnings are errors: the public API stays usable from every target language.
project.compileTask.reset('jsii --fail-on-warnings --silence-warnings=reserved-word');
project.watchTask.reset('jsii -w --fail-on-warnings --silence-warnings=reserved-word');

// The default build packages npm only, offline and in CI alike; the other languages need their
// own toolchains and registries (PyPI, Maven Central, NuGet, the Go proxy): `npx projen package-all`
// or `npx projen package:python` etc. on a machine that has them (see README, "Install").
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

// Findings are sentences: long message strings are normal; keep code lines reasonable.
project.eslint?.addRules({
  '@stylistic/max-len': ['error', { code: 200, ignoreUrls: true, ignoreStrings: true, ignoreTemplateLiterals: true, ignoreComments: true, ignoreRegExpLiterals: true }],
});


// The main job: synthesize the seed's example app with the real CDK CLI and print the plan.
project.addTask('example', {
  description: 'Synthesize examples/seed-three-vpcs (guard in fail mode, then auto-peer) and print the Glue network plan',
  steps: [
    { spawn: 'compile' },
    { exec: 'node examples/run-example.js', receiveArgs: true },
  ],
});

// The synth-time benchmark (issue 5): ratios against plain synth and cdk-nag, growth exponent.
project.addTask('bench', {
  description: 'Measure the guard, auto-peer and the CLI on synthetic apps of growing size (see BENCHMARKS.md)',
  steps: [
    { spawn: 'compile' },
    { exec: 'node --expose-gc node_modules/.bin/ts-node --transpile-only bench/run.ts', receiveArgs: true },
  ],
});

// Property tests with random seeds and ten times the runs (the default test run uses fixed seeds,
// test/property/seeds.ts): a failure prints its seed, replayed with <NAME>_SEED and <NAME>_RUNS.
project.addTask('fuzz', {
  description: 'Run the property tests (test/property) with random seeds and 10x the runs',
  env: { GNP_FUZZ: '1' },
  exec: 'jest test/property --coverage=false --maxWorkers=1',
  receiveArgs: true,
});

project.synth();
