export * from './explain';
export * from './flatten';
export * from './match';
export * from './strings';
