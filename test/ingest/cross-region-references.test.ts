import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Stack, Stage, aws_ec2 as ec2, aws_glue as glue } from 'aws-cdk-lib';
import { buildPlan } from '../../src/engine';
import { buildModel, InputSet, loadInputs } from '../../src/ingest';
import { withoutCdkTemplateCheck } from '../cdk/quiet-cdk';

withoutCdkTemplateCheck();

/**
 * CDK's cross-Region references (`crossRegionReferences: true`): the network in us-east-1, the
 * Glue connection in eu-west-1, inside a Stage (a nested cloud assembly). CDK passes the subnet
 * and group ids through a Custom::CrossRegionExportWriter in the producer and a
 * Custom::CrossRegionExportReader in the consumer (`Fn::GetAtt [ExportsReader, /cdk/exports/...]`).
 */
function synthesized(): string {
  const outdir = mkdtempSync(join(tmpdir(), 'glue-netplan-xregion-'));
  const app = new App({ outdir });
  const stage = new Stage(app, 'Prod');
  const net = new Stack(stage, 'Net', { env: { account: '111111111111', region: 'us-east-1' }, crossRegionReferences: true });
  const vpc = new ec2.Vpc(net, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'iso', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
  const group = new ec2.SecurityGroup(net, 'Sg', { vpc });
  group.addIngressRule(group, ec2.Port.allTcp());
  const etl = new Stack(stage, 'Etl', { env: { account: '111111111111', region: 'eu-west-1' }, crossRegionReferences: true });
  new glue.CfnConnection(etl, 'Conn', {
    catalogId: '111111111111',
    connectionInput: {
      name: 'net',
      connectionType: 'NETWORK',
      physicalConnectionRequirements: { subnetId: vpc.isolatedSubnets[0].subnetId, securityGroupIdList: [group.securityGroupId], availabilityZone: 'eu-west-1a' },
    },
  });
  new glue.CfnJob(etl, 'Job', { name: 'etl', role: 'r', command: { name: 'glueetl' }, connections: { connections: ['net'] } });
  app.synth();
  return outdir;
}

describe('CDK cross-Region references', () => {
  const inputs = loadInputs([synthesized()]);
  const etl = inputs.find((input) => input.stackName === 'Prod-Etl')!;
  const subnetValue = etl.template.Resources.Conn.Properties.ConnectionInput.PhysicalConnectionRequirements.SubnetId;

  test('the reader\'s attribute is the value the producer\'s writer exports, evaluated there (was: a reference to the reader itself, read as a subnet named Prod-Etl/ExportsReader...)', () => {
    expect(subnetValue['Fn::GetAtt'][0]).toMatch(/^ExportsReader/);
    expect(new InputSet(inputs).evaluator('Prod-Etl').evaluate(subnetValue)).toEqual({ kind: 'ref', modelId: expect.stringMatching(/^Prod-Net\/VpcisoSubnet1Subnet/) });
  });

  test('a connection in eu-west-1 on a us-east-1 subnet: its subnet is unknown, saying why, never the other Region\'s subnet', () => {
    const model = buildModel(inputs);
    const plan = buildPlan(model, { failover: false });
    expect(plan.jobs[0].selectedConnection).toBeNull();
    expect(plan.findings.map((f) => f.message)).toContainEqual(expect.stringContaining('is in Region eu-west-1 (stack Prod-Etl), but its subnet Prod-Net/VpcisoSubnet1Subnet'));
  });

  test('without the producing stack: a value known at deploy time, naming the reference', () => {
    const alone = new InputSet([etl]).evaluator('Prod-Etl').evaluate(subnetValue);
    expect(alone).toEqual({ kind: 'unresolved', reason: expect.stringContaining('no loaded stack writes it (its producing stack was not read)') });
  });
});
