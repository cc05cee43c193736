export { exchangeHandlers, type ExchangeDeps } from './handlers';
