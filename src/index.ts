export * from './cdk/vpc-peering';
