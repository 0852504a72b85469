/**
 * Store resources read from the templates beyond the ones `glue.test.ts` covers: a Redshift
 * Serverless workgroup, whose endpoint a connection may name by GetAtt or by its documented DNS
 * name, `<workgroup>.<account>.<region>.redshift-serverless.amazonaws.com`.
 */
import { anyResource, getAtt, glueConnection, glueJob, modelOf, ref, securityGroup, subnet, vpc } from './builders';
import { buildPlan } from '../../src/engine';

const network = {
  Vpc: vpc('10.0.0.0/16', { EnableDnsSupport: true, EnableDnsHostnames: true }),
  Sub: subnet(ref('Vpc'), '10.0.1.0/24', 'us-east-1a'),
  Sg: securityGroup(ref('Vpc')),
};

describe('AWS::RedshiftServerless::Workgroup', () => {
  test('subnets, groups, port 5439 unless set, and the DNS name of its endpoint (the stack is in 111111111111, us-east-1)', () => {
    const model = modelOf({
      ...network,
      Wg: anyResource('AWS::RedshiftServerless::Workgroup', { WorkgroupName: 'Analytics', SubnetIds: [ref('Sub')], SecurityGroupIds: [getAtt('Sg', 'GroupId')] }),
      Custom: anyResource('AWS::RedshiftServerless::Workgroup', { WorkgroupName: 'custom', Port: 5440 }),
    });
    expect(model.dataStores.get('Stack/Wg')).toMatchObject({
      kind: 'redshift-serverless-workgroup',
      subnetIds: { known: true, value: ['Stack/Sub'] },
      securityGroupIds: { known: true, value: ['Stack/Sg'] },
      port: { known: true, value: 5439 },
      publiclyAccessible: false,
      endpointHost: 'analytics.111111111111.us-east-1.redshift-serverless.amazonaws.com',
    });
    expect(model.dataStores.get('Stack/Custom')).toMatchObject({
      port: { known: true, value: 5440 },
      subnetIds: { known: false, reason: expect.stringContaining('has no SubnetIds') },
      securityGroupIds: { known: false, reason: expect.stringContaining('has no SecurityGroupIds') },
    });
  });

  test('a connection naming the endpoint by its literal DNS name is located at the workgroup, not assumed in its own subnet', () => {
    const model = modelOf({
      ...network,
      Wg: anyResource('AWS::RedshiftServerless::Workgroup', { WorkgroupName: 'analytics', SubnetIds: [ref('Sub')], SecurityGroupIds: [getAtt('Sg', 'GroupId')] }),
      Db: glueConnection('warehouse', ref('Sub'), [getAtt('Sg', 'GroupId')], {
        JDBC_CONNECTION_URL: 'jdbc:redshift://analytics.111111111111.us-east-1.redshift-serverless.amazonaws.com:5439/dev',
      }),
      Job: glueJob([ref('Db')], { Name: 'load' }),
    });
    const row = buildPlan(model, { failover: false }).jobs[0].dataStores[0];
    expect(row).toMatchObject({ locatedBy: 'redshift-serverless-workgroup', port: 5439, assumptions: [] });
  });

  test('the same name in another account is not this workgroup', () => {
    const model = modelOf({
      ...network,
      Wg: anyResource('AWS::RedshiftServerless::Workgroup', { WorkgroupName: 'analytics', SubnetIds: [ref('Sub')], SecurityGroupIds: [getAtt('Sg', 'GroupId')] }),
      Db: glueConnection('warehouse', ref('Sub'), [getAtt('Sg', 'GroupId')], {
        JDBC_CONNECTION_URL: 'jdbc:redshift://analytics.222222222222.us-east-1.redshift-serverless.amazonaws.com/dev',
      }),
      Job: glueJob([ref('Db')], { Name: 'load' }),
    });
    expect(buildPlan(model, { failover: false }).jobs[0].dataStores[0]).toMatchObject({ locatedBy: 'connection-subnet' });
  });
});
