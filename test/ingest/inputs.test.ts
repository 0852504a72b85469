import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join as joinPath } from 'path';
import { importValue, ref, subnet, tpl, vpc } from './builders';
import { buildModel, InputError, loadCloudAssembly, loadInputs, loadTemplateFile } from '../../src/ingest';

function tempDir(): string {
  return mkdtempSync(joinPath(tmpdir(), 'ingest-'));
}

function write(dir: string, name: string, content: unknown): string {
  const file = joinPath(dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const YAML_TEMPLATE = `
AWSTemplateFormatVersion: 2010-09-09
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Sub:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 2, 8]]
      AvailabilityZone: !Select [0, !GetAZs '']
`;

const JSON_TEMPLATE = tpl({
  Vpc: vpc('10.0.0.0/16'),
  Sub: subnet(ref('Vpc'), { 'Fn::Select': [0, { 'Fn::Cidr': [{ 'Fn::GetAtt': ['Vpc', 'CidrBlock'] }, 2, 8] }] },
    { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }),
}, { AWSTemplateFormatVersion: '2010-09-09' });

describe('template files', () => {
  test('JSON and YAML forms of the same template give the same template and model', () => {
    const dir = tempDir();
    const fromYaml = loadTemplateFile(write(dir, 'Net.yaml', YAML_TEMPLATE));
    const fromJson = loadTemplateFile(write(dir, 'Net.template.json', JSON_TEMPLATE));
    expect(fromYaml.template).toEqual(fromJson.template);
    expect(fromYaml.stackName).toBe('Net');
    expect(fromJson.stackName).toBe('Net');
    const subnetOf = (input: typeof fromYaml) => buildModel([input]).subnets.get('Net/Sub');
    expect(subnetOf(fromYaml)).toEqual({ ...subnetOf(fromJson), source: expect.anything() });
    expect(subnetOf(fromYaml)?.cidr).toMatchObject({ known: true, value: { text: '10.0.0.0/24' } });
  });

  test('a file that is neither JSON nor YAML is an InputError with a one-line message naming the file', () => {
    const file = write(tempDir(), 'broken.txt', 'Resources: {\n  a: [1, 2\n');
    expect(() => loadTemplateFile(file)).toThrow(InputError);
    try {
      loadTemplateFile(file);
    } catch (e) {
      expect((e as Error).message).toContain(file);
      expect((e as Error).message).toContain('neither JSON nor YAML');
      expect((e as Error).message).not.toContain('\n');
    }
  });

  test('valid YAML without Resources is an InputError', () => {
    const file = write(tempDir(), 'notes.yaml', 'just: text\n');
    expect(() => loadTemplateFile(file)).toThrow(/notes\.yaml: not a CloudFormation template/);
  });

  describe('what CloudFormation refuses is refused, never skipped (a skipped resource would be a verdict on its absence)', () => {
    const glueGroup = { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'glue', VpcId: ref('Vpc') } };
    test.each([
      ['a null resource', { Vpc: vpc('10.0.0.0/16'), GlueSelf: null }, /Resources\.GlueSelf is null, not a resource object/],
      ['a resource that is a list', { Vpc: vpc('10.0.0.0/16'), GlueSelf: [glueGroup] }, /Resources\.GlueSelf is a list, not a resource object/],
      ['a resource without Type', { Vpc: vpc('10.0.0.0/16'), GlueSelf: { Properties: glueGroup.Properties } }, /Resources\.GlueSelf has no Type string/],
      ['a Type that is not a string', { Vpc: vpc('10.0.0.0/16'), GlueSelf: { ...glueGroup, Type: ['AWS::EC2::SecurityGroupIngress'] } }, /Resources\.GlueSelf has no Type string/],
    ])('%s', (_name, resources, message) => {
      const file = write(tempDir(), 'Net.template.json', { Resources: resources });
      expect(() => loadTemplateFile(file)).toThrow(InputError);
      expect(() => loadTemplateFile(file)).toThrow(message);
    });

    test('a logical ID that is both a parameter and a resource', () => {
      const file = write(tempDir(), 'Net.template.json', tpl({ Vpc: vpc('10.0.0.0/16') }, { Parameters: { Vpc: { Type: 'AWS::EC2::VPC::Id' } } }));
      expect(() => loadTemplateFile(file)).toThrow(/"Vpc" is both a parameter and a resource/);
    });

    describe('a logical ID that is not alphanumeric (CloudFormation: logical IDs are A-Za-z0-9)', () => {
      test.each([
        ['a resource whose logical ID names a nested stack resource', { 'Vpc': vpc('10.0.0.0/16'), 'Network/Vpc': vpc('10.1.0.0/16') }, 'Resources', 'Network/Vpc'],
        ['a resource with a dash', { 'Vpc': vpc('10.0.0.0/16'), 'Glue-Sg': { Type: 'AWS::EC2::SecurityGroup', Properties: { GroupDescription: 'glue' } } }, 'Resources', 'Glue-Sg'],
        ['an empty logical ID', { '': vpc('10.0.0.0/16') }, 'Resources', ''],
      ])('%s', (_name, resources, section, logicalId) => {
        const file = write(tempDir(), 'Net.template.json', { Resources: resources });
        expect(() => loadTemplateFile(file)).toThrow(InputError);
        expect(() => loadTemplateFile(file)).toThrow(`${file}: ${section} logical ID ${JSON.stringify(logicalId)} is not alphanumeric`);
      });

      test('a parameter name with a slash', () => {
        const file = write(tempDir(), 'Net.template.json', tpl({ Vpc: vpc('10.0.0.0/16') }, { Parameters: { 'Net/Cidr': { Type: 'String' } } }));
        expect(() => loadTemplateFile(file)).toThrow('Parameters logical ID "Net/Cidr" is not alphanumeric');
      });

      test('a template with a Transform is left to the transforms reader', () => {
        const file = write(tempDir(), 'Net.template.json', { Transform: 'AWS::Serverless-2016-10-31', Resources: { 'Glue-Sg': vpc('10.0.0.0/16') } });
        expect(() => loadTemplateFile(file)).not.toThrow();
      });
    });

    test('a template with a Transform is left to the transforms reader (Fn::ForEach keys are not resources)', () => {
      const file = write(tempDir(), 'Net.template.json', { Transform: 'AWS::LanguageExtensions', Resources: { 'Vpc': vpc('10.0.0.0/16'), 'Fn::ForEach::Subnets': ['Az', ['a', 'b'], {}] } });
      expect(() => loadTemplateFile(file)).not.toThrow();
    });
  });

  test('a missing path or a directory without manifest.json is an InputError', () => {
    const dir = tempDir();
    expect(() => loadInputs([joinPath(dir, 'nope.json')])).toThrow(InputError);
    expect(() => loadInputs([dir])).toThrow(/no manifest\.json/);
  });
});

describe('cloud assembly', () => {
  function writeAssembly(): string {
    const dir = tempDir();
    const stackArtifact = (file: string, env: string, extra: Record<string, unknown> = {}) => ({
      type: 'aws:cloudformation:stack', environment: env, properties: { templateFile: file }, ...extra,
    });
    write(dir, 'Network.template.json', tpl({ Vpc: { ...vpc('10.1.0.0/16'), Metadata: { 'aws:cdk:path': 'Network/Vpc/Resource' } } }, {
      Outputs: { VpcId: { Value: ref('Vpc'), Export: { Name: 'Network-VpcId' } } },
    }));
    write(dir, 'App.template.json', tpl({
      Sub: subnet(importValue('Network-VpcId'), '10.1.1.0/24', 'eu-west-1a'),
      Orphan: subnet(importValue('Nobody-Exports-This'), '10.1.2.0/24', 'eu-west-1a'),
      Nested: {
        Type: 'AWS::CloudFormation::Stack',
        Properties: { Parameters: { ParentSubnet: ref('Sub') } },
        Metadata: { 'aws:asset:path': 'AppNested.nested.template.json' },
      },
    }));
    write(dir, 'AppNested.nested.template.json', tpl({
      Table: { Type: 'AWS::EC2::RouteTable', Properties: { VpcId: importValue('Network-VpcId') } },
      Assoc: { Type: 'AWS::EC2::SubnetRouteTableAssociation', Properties: { SubnetId: ref('ParentSubnet'), RouteTableId: ref('Table') } },
    }, { Parameters: { ParentSubnet: { Type: 'String' } } }));
    write(dir, 'manifest.json', {
      version: '36.0.0',
      artifacts: {
        Network: stackArtifact('Network.template.json', 'aws://111111111111/eu-west-1'),
        App: stackArtifact('App.template.json', 'aws://unknown-account/unknown-region', { displayName: 'App', properties: { templateFile: 'App.template.json', stackName: 'app-stack' } }),
        Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } },
        assemblyProd: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod' } },
      },
    });
    const stage = joinPath(dir, 'assembly-Prod');
    mkdirSync(stage);
    write(stage, 'ProdData.template.json', tpl({ Vpc: vpc('10.2.0.0/16') }));
    write(stage, 'manifest.json', {
      version: '36.0.0',
      artifacts: {
        ProdData: {
          type: 'aws:cloudformation:stack',
          environment: 'aws://222222222222/us-west-2',
          displayName: 'Prod/Data',
          properties: { templateFile: 'ProdData.template.json', stackName: 'Prod-Data' },
        },
      },
    });
    return dir;
  }

  test.each([
    ['an artifact that is not an object', { Bad: 5 }, /artifact "Bad" is not an object/],
    ['a nested assembly without a directoryName string', { Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: 5 } } }, /artifact "Stage" \(a nested cloud assembly: a stage\) has no properties\.directoryName/],
  ])('a manifest with %s is an InputError, not an assembly read without it', (_name, artifacts, message) => {
    const dir = tempDir();
    write(dir, 'manifest.json', { version: '36.0.0', artifacts });
    expect(() => loadCloudAssembly(dir)).toThrow(InputError);
    expect(() => loadCloudAssembly(dir)).toThrow(message);
  });

  test('reads stacks, stage assemblies and nested stacks with their environments', () => {
    const inputs = loadCloudAssembly(writeAssembly());
    expect(inputs.map((i) => [i.stackName, i.displayName, i.region, i.account])).toEqual([
      ['Network', undefined, 'eu-west-1', '111111111111'],
      ['app-stack', 'App', undefined, undefined],
      ['app-stack/Nested', 'App/Nested', undefined, undefined],
      ['Prod-Data', 'Prod/Data', 'us-west-2', '222222222222'],
    ]);
  });

  test('cross-stack ImportValue and nested-stack parameters resolve to the exporting resources', () => {
    const model = buildModel(loadInputs([writeAssembly()]));
    expect(model.vpcs.get('Network/Vpc')?.source.constructPath).toBe('Network/Vpc/Resource');
    expect(model.vpcs.get('Network/Vpc')?.region).toEqual({ known: true, value: 'eu-west-1' });
    expect(model.subnets.get('app-stack/Sub')?.vpcId).toEqual({ known: true, value: 'Network/Vpc' });
    expect(model.subnets.get('app-stack/Sub')?.routeTableId).toBe('app-stack/Nested/Table');
    expect(model.vpcs.has('Prod-Data/Vpc')).toBe(true);
  });

  test('an ImportValue no stack exports makes an unknown fact and an issue', () => {
    const model = buildModel(loadInputs([writeAssembly()]));
    const orphan = model.subnets.get('app-stack/Orphan');
    expect(orphan?.vpcId).toMatchObject({ known: false, reason: expect.stringContaining('Nobody-Exports-This') });
    expect(model.issues).toContainEqual(expect.objectContaining({
      source: expect.objectContaining({ stack: 'app-stack', logicalId: 'Orphan' }),
      message: expect.stringContaining('Nobody-Exports-This'),
    }));
  });
});
