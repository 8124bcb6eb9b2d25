export * from './conditions';
export * from './errors';
export * from './ip';
export * from './json';
export * from './match-explanation';
export * from './rule';
