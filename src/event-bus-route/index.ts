export * from './event-bus-route';
export * from './route-target';
