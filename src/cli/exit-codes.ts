// Exit codes of every command: 0 done, 1 internal error, 2 bad input, 3 the run finished but a strategy failed,
// 4 a live node refused to trade after reconciling, 5 the audit trail failed verification.
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_STRATEGY_FAILED = 3;
/** A live node found a difference with its venue that nothing explains and did not trade (fail closed). */
export const EXIT_RECONCILIATION = 4;
/** `sextant audit verify` found the audit trail changed: an entry edited, missing, inserted or moved. */
export const EXIT_AUDIT_BROKEN = 5;

/** The same, as help text. */
export const EXIT_CODES_TEXT = 'Exit codes: 0 done, 1 internal error, 2 bad input, 3 the run finished but a strategy failed, 4 a live node refused to trade after reconciling with its venue, 5 the audit trail failed verification.';
