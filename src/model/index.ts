export * from './fact';
export * from './cidr';
export * from './network';
export * from './glue';
export * from './model';
