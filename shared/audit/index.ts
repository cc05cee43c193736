export * from './actions';
export * from './entry';
export * from './filter';
export * from './export';
export * from './verify';
