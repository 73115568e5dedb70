/** The tamper-evident audit: one hash chain per model of approvals, refusals, promotions, rollbacks and break-glass. */
export { appendAudit, approvalAuditRecord, readAudit, verifyAudit, type AuditRecord, type AuditRow } from './log';
export { checkChain, GENESIS_HASH, recordHash, type AuditKind, type BrokenLink, type ChainCheck, type ChainedRecord } from './chain';
