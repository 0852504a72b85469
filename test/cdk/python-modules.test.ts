/**
 * Jobs that install Python modules when a run starts (`--additional-python-modules`): pip runs on
 * the ENIs in the subnet of the connection Glue selects, which must reach pypi.org (AWS Glue,
 * "Setting up a VPC to connect to PyPI for AWS Glue"). Built as a user writes it (aws-cdk-lib's
 * Glue L2 job and connection), checked through the three doors.
 */
import { App, CfnParameter, Stack, aws_ec2 as ec2, aws_glue as glue, aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { allDoors, expectDoorsAgree } from '../doors';

interface Case {
  /** A NAT gateway for the Glue subnets (PRIVATE_WITH_EGRESS) instead of isolated subnets. */
  readonly nat?: boolean;
  /** The job's arguments; a function of the app's bucket for s3:// paths built from its name. */
  readonly args: (bucket: s3.IBucket, stack: Stack) => Record<string, string>;
  readonly command?: 'spark' | 'pythonshell';
  /** An L1 Spark job (CfnJob) with this GlueVersion; `none`: without one. */
  readonly cfnGlueVersion?: string;
  /** An L1 Python shell job (CfnJob) with this Command.PythonVersion; `none`: without one. */
  readonly cfnPythonVersion?: string;
  /** The Glue group lets out only all TCP to itself and HTTPS (443) anywhere, not all traffic. */
  readonly httpsOnlyEgress?: boolean;
}

function app(c: Case) {
  return (a: App) => {
    const stack = new Stack(a, 'Etl', { env: { account: '111111111111', region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.0.0.0/16'),
      maxAzs: 1,
      natGateways: c.nat ? 1 : 0,
      subnetConfiguration: c.nat
        ? [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 }, { name: 'glue', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 }]
        : [{ name: 'glue', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      // Glue's S3 path: the connection is selected either way.
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });
    const group = new ec2.SecurityGroup(stack, 'GlueGroup', { vpc, description: 'Glue ENIs', allowAllOutbound: !c.httpsOnlyEgress });
    group.connections.allowInternally(ec2.Port.allTcp(), 'Glue workers talk to each other');
    if (c.httpsOnlyEgress) group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS: S3 and PyPI');
    const subnet = c.nat ? vpc.privateSubnets[0] : vpc.isolatedSubnets[0];
    const network = new glue.Connection(stack, 'Network', {
      type: glue.ConnectionType.NETWORK,
      network: glue.ConnectionNetwork.subnet(subnet),
      securityGroups: [group],
    });
    const bucket = new s3.Bucket(stack, 'Artifacts');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('glue.amazonaws.com') });
    const script = glue.Code.fromBucket(bucket, 'load.py');
    if (c.cfnPythonVersion !== undefined) {
      new glue.CfnJob(stack, 'Load', {
        name: 'load',
        role: role.roleArn,
        command: { name: 'pythonshell', scriptLocation: `s3://${bucket.bucketName}/load.py`, ...c.cfnPythonVersion !== 'none' ? { pythonVersion: c.cfnPythonVersion } : {} },
        connections: { connections: [network.connectionName] },
        defaultArguments: c.args(bucket, stack),
        maxCapacity: 0.0625,
      });
    } else if (c.cfnGlueVersion !== undefined) {
      new glue.CfnJob(stack, 'Load', {
        name: 'load',
        role: role.roleArn,
        command: { name: 'glueetl', scriptLocation: `s3://${bucket.bucketName}/load.py` },
        connections: { connections: [network.connectionName] },
        defaultArguments: c.args(bucket, stack),
        ...c.cfnGlueVersion !== 'none' ? { glueVersion: c.cfnGlueVersion, workerType: 'G.1X', numberOfWorkers: 2 } : {},
      });
    } else if (c.command === 'pythonshell') {
      new glue.PythonShellJob(stack, 'Load', { jobName: 'load', role, script, connections: [network], defaultArguments: c.args(bucket, stack) });
    } else {
      new glue.PySparkEtlJob(stack, 'Load', { jobName: 'load', role, script, connections: [network], defaultArguments: c.args(bucket, stack) });
    }
  };
}

const NO_PATH = 'GNP-CONNECTION-NO-PYPI-PATH:error';
const UNKNOWN = 'GNP-CONNECTION-SERVICE-PATH-UNKNOWN:warning';

describe('GNP-CONNECTION-NO-PYPI-PATH: modules from PyPI need the internet from the Glue subnet', () => {
  test('a PySpark job installing pandas from PyPI in isolated subnets (S3 endpoint, no NAT): an error in every door, naming the modules and the missing route', () => {
    const answers = allDoors(app({ args: () => ({ '--additional-python-modules': 'pandas==2.2.2, pyarrow' }) }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain(NO_PATH);
    const message = answers.cli.messages.find((m) => /pypi\.org/.test(m) && /pandas==2\.2\.2 and pyarrow/.test(m));
    expect(message).toMatch(/no route to public addresses \(no NAT gateway\)/);
    expect(message).toMatch(/must give a network path to pypi\.org/);
    // The AWS page is written for interactive sessions: the message says the job's case is assumed.
    expect(message).toMatch(/a page written for interactive sessions; that a job's runs install the same way, pip running on Glue's ENIs in \S+, is assumed/);
  });

  test('a module from a URL outside S3 (git+https): the same error, naming the URL rather than PyPI', () => {
    const answers = allDoors(app({ args: () => ({ '--additional-python-modules': 'git+https://github.com/example/etl-lib@v1' }) }));
    expect(answers.cli.findings).toContain(NO_PATH);
    expect(answers.cli.messages.join('\n')).toMatch(/pip installs git\+https:\/\/github\.com\/example\/etl-lib@v1 from its URL on the internet/);
  });

  test('a Python shell job installing from PyPI: the same error', () => {
    const answers = allDoors(app({ command: 'pythonshell', args: () => ({ '--additional-python-modules': 'requests' }) }));
    expect(answers.cli.findings).toContain(NO_PATH);
    expect(answers.plugin.findings).toContain(NO_PATH);
  });

  test('an L1 Python shell job: on Python 3.9 the error; on Python 3 (3.6) or without PythonVersion, where AWS does not document --additional-python-modules, a warning', () => {
    const args = () => ({ '--additional-python-modules': 'requests' });
    expect(allDoors(app({ cfnPythonVersion: '3.9', args })).cli.findings).toContain(NO_PATH);
    for (const version of ['3', 'none']) {
      const answers = allDoors(app({ cfnPythonVersion: version, args }));
      expectDoorsAgree(answers);
      expect(answers.cli.findings).not.toContain(NO_PATH);
      expect(answers.cli.findings).toContain(UNKNOWN);
      expect(answers.cli.messages.join('\n')).toMatch(/Python shell job of Python 3\.9, the only one on which AWS documents it/);
    }
  });

  test('an L1 Spark job: GlueVersion 1.0 has no pip installer, no finding; 4.0, the error; without GlueVersion (the API names 0.9, which reached end of life in April 2026) a warning, never no finding', () => {
    const args = () => ({ '--additional-python-modules': 'pandas' });
    expect(allDoors(app({ cfnGlueVersion: '1.0', args })).cli.findings).not.toContain(NO_PATH);
    expect(allDoors(app({ cfnGlueVersion: '4.0', args })).cli.findings).toContain(NO_PATH);
    const none = allDoors(app({ cfnGlueVersion: 'none', args }));
    expectDoorsAgree(none);
    expect(none.cli.findings).not.toContain(NO_PATH);
    expect(none.cli.findings).toContain(UNKNOWN);
    expect(none.cli.messages.join('\n')).toMatch(/GlueVersion is unknown \(the job gives none: .*end of life on 1 April 2026/);
    // AWS documents two defaults: the API's 0.9, the versions page's 5.1; the message names both.
    expect(none.cli.messages.join('\n')).toMatch(/the AWS Glue versions page names Glue 5\.1 as the default for jobs created without one: AWS documents two defaults/);
  });

  test('the same job with a NAT gateway route (PRIVATE_WITH_EGRESS): no finding about PyPI', () => {
    const answers = allDoors(app({ nat: true, args: () => ({ '--additional-python-modules': 'pandas==2.2.2' }) }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).not.toContain(NO_PATH);
    expect(answers.cli.findings).not.toContain(UNKNOWN);
  });

  test("wheels in the app's own bucket (an s3:// path built from its name): nothing from the internet, no finding", () => {
    const answers = allDoors(app({ args: (b) => ({ '--additional-python-modules': `s3://${b.bucketName}/wheels/etl_lib-1.0-py3-none-any.whl,s3://${b.bucketName}/wheels/deps.zip` }) }));
    expect(answers.cli.findings).not.toContain(NO_PATH);
    expect(answers.cli.findings).not.toContain(UNKNOWN);
    expect(answers.guard.findings).not.toContain(NO_PATH);
  });

  test('a requirements file in S3: what it lists is not in the inputs, a warning (UNKNOWN), not an error', () => {
    const answers = allDoors(app({ args: (b) => ({ '--additional-python-modules': `s3://${b.bucketName}/requirements.txt` }) }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).not.toContain(NO_PATH);
    expect(answers.cli.findings).toContain(UNKNOWN);
    expect(answers.cli.messages.join('\n')).toMatch(/requirements file s3:\/\/.*requirements\.txt/);
  });

  test('modules from a parameter without a value: a warning (UNKNOWN) naming it, never an error', () => {
    const answers = allDoors(app({ args: (_b, stack) => ({ '--additional-python-modules': new CfnParameter(stack, 'Modules').valueAsString }) }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).not.toContain(NO_PATH);
    expect(answers.cli.findings).toContain(UNKNOWN);
    expect(answers.cli.messages.join('\n')).toMatch(/--additional-python-modules cannot be resolved/);
  });

  test('pip pointed at an index of its own (--index-url): a warning naming it, not an error', () => {
    const answers = allDoors(app({
      args: () => ({
        '--additional-python-modules': 'etl-lib==1.0',
        '--python-modules-installer-option': '--index-url https://etl-111111111111.d.codeartifact.us-east-1.amazonaws.com/pypi/py/simple/',
      }),
    }));
    expect(answers.cli.findings).not.toContain(NO_PATH);
    expect(answers.cli.findings).toContain(UNKNOWN);
    expect(answers.cli.messages.join('\n')).toMatch(/--index-url https:\/\/etl-111111111111/);
  });

  test("pip's options inside --additional-python-modules (a module followed by -i <index>, as AWS documents): the same warning, not an error claiming PyPI", () => {
    for (const modules of ['etl-lib==1.0 -i https://etl-111111111111.d.codeartifact.us-east-1.amazonaws.com/pypi/py/simple/', 'etl-lib==1.0 --extra-index-url=https://mirror.example.internal/simple/']) {
      const answers = allDoors(app({ args: () => ({ '--additional-python-modules': modules }) }));
      expectDoorsAgree(answers);
      expect(answers.cli.findings).not.toContain(NO_PATH);
      expect(answers.cli.findings).toContain(UNKNOWN);
      expect(answers.cli.messages.join('\n')).toMatch(/pip's options in its --additional-python-modules/);
    }
  });
});

describe('wheels by s3:// path: an S3 gateway endpoint carries only buckets of its own Region, as for https:// URLs', () => {
  const WHEEL = 'wheels/etl_lib-1.0-py3-none-any.whl';

  test('the CDK bootstrap bucket of another Region (cdk-hnb659fds-assets-<account>-eu-west-1), S3 gateway endpoint, no NAT: GNP-CONNECTION-NO-PYPI-PATH saying the endpoint reaches only buckets of us-east-1 (was: no finding)', () => {
    const answers = allDoors(app({ args: () => ({ '--additional-python-modules': `s3://cdk-hnb659fds-assets-111111111111-eu-west-1/${WHEEL}` }) }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain(NO_PATH);
    expect(answers.cli.messages.join('\n')).toMatch(/s3:\/\/cdk-hnb659fds-assets-111111111111-eu-west-1\/wheels\/etl_lib-1\.0-py3-none-any\.whl is in eu-west-1 \([^)]*\), and S3 gateway endpoint \S+ on \S+ route table reaches only buckets of us-east-1/);
    expect(answers.cli.messages.join('\n')).toMatch(/Glue installs s3:\/\/cdk-hnb659fds-assets-111111111111-eu-west-1\/\S+ \(--additional-python-modules\) from Amazon S3 when a run starts/);
    // The bucket's Region is read from its name: an assumption, said as one in every door.
    for (const door of [answers.guard, answers.plugin, answers.cli]) {
      expect(door.messages.join('\n')).toMatch(/is in eu-west-1 \(the Region its bucket's name ends with: assumed, as the CDK bootstrap template names its assets bucket cdk-<qualifier>-assets-<account>-<region>/);
    }
  });

  test('a bucket the templates do not create (a literal name), S3 gateway endpoint, no NAT: a warning (UNKNOWN) saying its Region is not shown and how to show it, not a pass', () => {
    const answers = allDoors(app({ args: () => ({ '--additional-python-modules': `s3://etl-wheels/${WHEEL}` }) }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).not.toContain(NO_PATH);
    expect(answers.cli.findings).toContain(UNKNOWN);
    expect(answers.cli.messages.join('\n')).toMatch(/the Region of the bucket of s3:\/\/etl-wheels\/\S+ \(bucket etl-wheels is not one of the templates\) is not shown \(use a bucket the app creates/);
  });

  test('the same with a NAT gateway route, or in the bootstrap bucket of the VPC\'s Region, or in the app\'s own bucket: no finding', () => {
    for (const c of [
      { nat: true, args: () => ({ '--additional-python-modules': `s3://etl-wheels/${WHEEL}` }) },
      { args: () => ({ '--additional-python-modules': `s3://cdk-hnb659fds-assets-111111111111-us-east-1/${WHEEL}` }) },
      { args: (b: s3.IBucket) => ({ '--additional-python-modules': `s3://${b.bucketName}/${WHEEL}` }) },
    ]) {
      const answers = allDoors(app(c));
      expectDoorsAgree(answers);
      expect(answers.cli.findings).not.toContain(NO_PATH);
      expect(answers.cli.findings).not.toContain(UNKNOWN);
    }
  });
});

describe('modules fetched by https:// URL from Amazon S3: an S3 gateway endpoint of the bucket\'s Region carries them', () => {
  test("the app's bucket by its virtual-hosted or path-style URL in the VPC's Region (us-east-1), S3 gateway endpoint, no NAT: no finding (was a false GNP-CONNECTION-NO-PYPI-PATH)", () => {
    for (const url of [
      (b: s3.IBucket) => b.virtualHostedUrlForObject('wheels/etl_lib-1.0-py3-none-any.whl'),
      (b: s3.IBucket) => b.urlForObject('wheels/etl_lib-1.0-py3-none-any.whl'),
      () => 'https://etl-wheels.s3.us-east-1.amazonaws.com/etl_lib-1.0-py3-none-any.whl',
      () => 'https://s3.us-east-1.amazonaws.com/etl-wheels/etl_lib-1.0-py3-none-any.whl',
      () => 'https://etl-wheels.s3.dualstack.us-east-1.amazonaws.com/etl_lib-1.0-py3-none-any.whl',
    ]) {
      const answers = allDoors(app({ args: (b) => ({ '--additional-python-modules': url(b) }) }));
      expectDoorsAgree(answers);
      expect(answers.cli.findings).not.toContain(NO_PATH);
      expect(answers.cli.findings).not.toContain(UNKNOWN);
    }
  });

  test('a bucket of another Region (eu-west-1) without a NAT: the error, saying the gateway endpoint reaches only buckets of us-east-1', () => {
    const answers = allDoors(app({ args: () => ({ '--additional-python-modules': 'https://etl-wheels.s3.eu-west-1.amazonaws.com/etl_lib-1.0-py3-none-any.whl' }) }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain(NO_PATH);
    expect(answers.cli.messages.join('\n')).toMatch(/etl_lib-1\.0-py3-none-any\.whl is in eu-west-1, and S3 gateway endpoint \S+ on \S+ route table reaches only buckets of us-east-1/);
  });

  test('a URL that names no Region (the global endpoint bucket.s3.amazonaws.com): a warning, not an error and not a pass', () => {
    const answers = allDoors(app({ args: () => ({ '--additional-python-modules': 'https://etl-wheels.s3.amazonaws.com/etl_lib-1.0-py3-none-any.whl' }) }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).not.toContain(NO_PATH);
    expect(answers.cli.findings).toContain(UNKNOWN);
    expect(answers.cli.messages.join('\n')).toMatch(/does not name the bucket's Region/);
  });

  test('a bucket of another Region with a NAT gateway route: no finding', () => {
    const answers = allDoors(app({ nat: true, args: () => ({ '--additional-python-modules': 'https://etl-wheels.s3.eu-west-1.amazonaws.com/etl_lib-1.0-py3-none-any.whl' }) }));
    expect(answers.cli.findings).not.toContain(NO_PATH);
    expect(answers.cli.findings).not.toContain(UNKNOWN);
  });

  test('an S3 URL beside a module from PyPI: PyPI still needs the internet, the error', () => {
    const answers = allDoors(app({ args: () => ({ '--additional-python-modules': 'https://etl-wheels.s3.us-east-1.amazonaws.com/etl_lib-1.0-py3-none-any.whl,pandas' }) }));
    expect(answers.cli.findings).toContain(NO_PATH);
  });

  test('a URL whose host is known only at deploy time (a parameter without a value, which may name an S3 host): a warning, never the error', () => {
    const answers = allDoors(app({ args: (_b, stack) => ({ '--additional-python-modules': `https://${new CfnParameter(stack, 'WheelHost').valueAsString}/etl_lib-1.0-py3-none-any.whl` }) }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).not.toContain(NO_PATH);
    expect(answers.cli.findings).toContain(UNKNOWN);
  });
});

describe('the port pip connects to: an http:// URL is fetched on 80, not HTTPS\'s 443', () => {
  test('a wheel from an http:// URL, a NAT gateway, a Glue group that lets out only HTTPS: the error names port 80 (was: traced on 443, no finding)', () => {
    const answers = allDoors(app({ nat: true, httpsOnlyEgress: true, args: () => ({ '--additional-python-modules': 'http://mirror.example.com/wheels/etl_lib-1.0-py3-none-any.whl' }) }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain(NO_PATH);
    expect(answers.cli.messages.join('\n')).toMatch(/egress TCP 80|port 80|TCP 80/);
  });

  test('the same group and modules from PyPI (HTTPS): no finding', () => {
    const answers = allDoors(app({ nat: true, httpsOnlyEgress: true, args: () => ({ '--additional-python-modules': 'pandas==2.2.2' }) }));
    expect(answers.cli.findings).not.toContain(NO_PATH);
    expect(answers.cli.findings).not.toContain(UNKNOWN);
  });
});


describe('the port of an http:// URL of Amazon S3: alone or beside other modules, it is fetched on 80', () => {
  test('an http:// URL of a bucket of another Region (eu-west-1: the gateway endpoint does not carry it), a NAT gateway, a Glue group that lets out only HTTPS: the error names port 80 (was: traced on 443, no finding)', () => {
    const answers = allDoors(app({ nat: true, httpsOnlyEgress: true, args: () => ({ '--additional-python-modules': 'http://etl-wheels.s3.eu-west-1.amazonaws.com/etl_lib-1.0-py3-none-any.whl' }) }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain(NO_PATH);
    expect(answers.cli.messages.join('\n')).toMatch(/TCP 80/);
  });

  test('the same URL beside a module from PyPI: the error names port 80 (was: the S3 URL left out of the ports, no finding)', () => {
    const answers = allDoors(app({ nat: true, httpsOnlyEgress: true, args: () => ({ '--additional-python-modules': 'pandas==2.2.2,http://etl-wheels.s3.eu-west-1.amazonaws.com/etl_lib-1.0-py3-none-any.whl' }) }));
    expectDoorsAgree(answers);
    expect(answers.cli.findings).toContain(NO_PATH);
    expect(answers.cli.messages.join('\n')).toMatch(/TCP 80/);
    // The message names the URL that needs port 80, not only the PyPI module.
    expect(answers.cli.messages.join('\n')).toMatch(/pandas==2\.2\.2 from the Python Package Index .*, and http:\/\/etl-wheels\.s3\.eu-west-1\.amazonaws\.com\/etl_lib-1\.0-py3-none-any\.whl from Amazon S3 by URL/);
  });
});
