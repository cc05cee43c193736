export { demoHandlers, type DemoDeps } from './handlers';
export { seedDemo, defaultYearStart, type DemoSeedOutcome, type DemoWorkspace } from './seed';
