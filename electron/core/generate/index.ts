export { generateHandlers, type GenerateDeps } from './handlers';
