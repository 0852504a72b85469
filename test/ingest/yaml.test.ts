import { parseCloudFormationYaml } from '../../src/ingest/yaml';

function parse(text: string): any {
  const result = parseCloudFormationYaml(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe('CloudFormation YAML short forms', () => {
  test('!Ref and !Condition become Ref and Condition', () => {
    expect(parse('a: !Ref Vpc\nb: !Condition IsProd')).toEqual({ a: { Ref: 'Vpc' }, b: { Condition: 'IsProd' } });
  });

  test('!GetAtt A.B splits at the first dot only; the list form is kept', () => {
    expect(parse('a: !GetAtt Db.Endpoint.Address\nb: !GetAtt [Sg, GroupId]')).toEqual({
      a: { 'Fn::GetAtt': ['Db', 'Endpoint.Address'] },
      b: { 'Fn::GetAtt': ['Sg', 'GroupId'] },
    });
  });

  test('!Sub string and list forms', () => {
    expect(parse("a: !Sub '${AWS::Region}-x'\nb: !Sub ['${A}-y', {A: !Ref B}]")).toEqual({
      a: { 'Fn::Sub': '${AWS::Region}-x' },
      b: { 'Fn::Sub': ['${A}-y', { A: { Ref: 'B' } }] },
    });
  });

  test("nested !Select [0, !GetAZs '']", () => {
    expect(parse("az: !Select [0, !GetAZs '']")).toEqual({ az: { 'Fn::Select': [0, { 'Fn::GetAZs': '' }] } });
  });

  test.each([
    ['!Join [",", [a, b]]', { 'Fn::Join': [',', ['a', 'b']] }],
    ['!Split [",", "a,b"]', { 'Fn::Split': [',', 'a,b'] }],
    ['!ImportValue Shared-VpcId', { 'Fn::ImportValue': 'Shared-VpcId' }],
    ['!FindInMap [M, K, V]', { 'Fn::FindInMap': ['M', 'K', 'V'] }],
    ['!If [C, a, b]', { 'Fn::If': ['C', 'a', 'b'] }],
    ['!Not [!Equals [a, b]]', { 'Fn::Not': [{ 'Fn::Equals': ['a', 'b'] }] }],
    ['!And [!Condition A, !Or [!Condition B, !Condition C]]',
      { 'Fn::And': [{ Condition: 'A' }, { 'Fn::Or': [{ Condition: 'B' }, { Condition: 'C' }] }] }],
    ['!Base64 hello', { 'Fn::Base64': 'hello' }],
    ['!Cidr ["10.0.0.0/16", 4, 8]', { 'Fn::Cidr': ['10.0.0.0/16', 4, 8] }],
  ])('%s', (text, expected) => {
    expect(parse(`v: ${text}`)).toEqual({ v: expected });
  });

  test('!Transform (AWS::Include) and !GetStackOutput are read as Fn::Transform and Fn::GetStackOutput (was: their tags dropped, read as plain maps)', () => {
    expect(parse('a: !Transform { Name: AWS::Include, Parameters: { Location: s3://b/x.yaml } }')).toEqual({
      a: { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/x.yaml' } } },
    });
    expect(parse('v: !GetStackOutput { StackName: net, OutputName: VpcId }')).toEqual({ v: { 'Fn::GetStackOutput': { StackName: 'net', OutputName: 'VpcId' } } });
  });

  test('the Rules section\'s short forms are read, not refused (was since fc51fcc: exit 2 on a template CloudFormation deploys, such as the AWS Quick Starts\' SubnetsInVPC rule)', () => {
    const text = [
      'Rules:',
      '  SubnetsInVPC:',
      '    RuleCondition: !Contains [[prod, stage], !Ref Env]',
      '    Assertions:',
      '      - Assert: !EachMemberIn',
      '          - !ValueOfAll [AWS::EC2::Subnet::Id, VpcId]',
      '          - !RefAll AWS::EC2::VPC::Id',
      '      - Assert: !EachMemberEquals [!ValueOfAll [AWS::EC2::Subnet::Id, VpcId], !ValueOf [Vpc, VpcId]]',
      'Resources: {}',
    ].join('\n');
    expect(parse(text)).toEqual({
      Rules: {
        SubnetsInVPC: {
          RuleCondition: { 'Fn::Contains': [['prod', 'stage'], { Ref: 'Env' }] },
          Assertions: [
            { Assert: { 'Fn::EachMemberIn': [{ 'Fn::ValueOfAll': ['AWS::EC2::Subnet::Id', 'VpcId'] }, { 'Fn::RefAll': 'AWS::EC2::VPC::Id' }] } },
            { Assert: { 'Fn::EachMemberEquals': [{ 'Fn::ValueOfAll': ['AWS::EC2::Subnet::Id', 'VpcId'] }, { 'Fn::ValueOf': ['Vpc', 'VpcId'] }] } },
          ],
        },
      },
      Resources: {},
    });
  });

  test('!Transform is Fn::Transform (a documented short form), not its bare map', () => {
    expect(parse('Properties: !Transform {Name: AWS::Include, Parameters: {Location: s3://b/k.yaml}}')).toEqual({
      Properties: { 'Fn::Transform': { Name: 'AWS::Include', Parameters: { Location: 's3://b/k.yaml' } } },
    });
  });

  test('any other local tag !Name is the function Fn::Name, as the AWS CLI reads it (a misspelling stays a function, never a bare value)', () => {
    expect(parse('a: !Length [1, 2]\nb: !ToJsonString {k: !Ref V}\nc: !Reff Vpc\nd: !<!Reff> Vpc\ne: !!str 5')).toEqual({
      a: { 'Fn::Length': [1, 2] },
      b: { 'Fn::ToJsonString': { k: { Ref: 'V' } } },
      c: { 'Fn::Reff': 'Vpc' },
      d: { 'Fn::Reff': 'Vpc' },
      e: '5',
    });
  });

  test('a collection as a map key (a logical ID written [a, b]) is parsed without a Node warning on standard error', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(parse('Resources:\n  ? [a, b]\n  : {Type: AWS::EC2::VPC}\n')).toEqual({ Resources: { '[ a, b ]': { Type: 'AWS::EC2::VPC' } } });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  test('a tag of another shape than !Name is refused at its line (the yaml library would drop it and read its bare value)', () => {
    expect(parseCloudFormationYaml('a: 1\nb: !my-tag [1, 2]')).toEqual({ ok: false, error: expect.stringMatching(/^tag !my-tag at line 2, column 4 is not a CloudFormation short form/) });
  });

  test('a date-like template version stays a string', () => {
    expect(parse('AWSTemplateFormatVersion: 2010-09-09')).toEqual({ AWSTemplateFormatVersion: '2010-09-09' });
  });

  test('broken YAML is reported, not thrown', () => {
    const result = parseCloudFormationYaml('a: [1, 2');
    expect(result.ok).toBe(false);
  });
});
