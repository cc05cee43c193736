export { securityHandlers, type SecurityCallDeps } from './handlers';
export { evaluateTail, verifyNow, SECURITY_ACTOR } from './engine';
export { liveDetection } from './live';
export { withTamperEvidence, recordEvidence, EVIDENCE_FILE } from './evidence';
export { readSecurityOutbox, markSecurityOutboxSent, markSecurityOutboxRowsSent, countSecurityOutboxUnsent, type OutboxItem } from './store';
export { runPurge, readCertificate } from './retention';
