export * from './cdk/vpc-peering';
export * from './cdk/guard';
export * from './cdk/data-store';
export * from './cdk/validation-plugin';
export * from './cdk/quotas';
export * from './cdk/glue-job-network';
