export * from './filtered-subscription';
export * from './subscription-filters';
