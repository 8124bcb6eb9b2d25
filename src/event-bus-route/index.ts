export * from './event-bus-route';
export * from './event-bus-route-props';
export * from './route-target';
