// Exit codes of every command: 0 done, 1 internal error, 2 bad input, 3 the run finished but a strategy failed.
export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_STRATEGY_FAILED = 3;

/** The same, as help text. */
export const EXIT_CODES_TEXT = 'Exit codes: 0 done, 1 internal error, 2 bad input, 3 the run finished but a strategy failed.';
