// The server's one error shape (status, code, message, field) as an Error the pages can show next to the
// field it names.
export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly field: string | null;
}

export class ApiError extends Error implements Problem {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;
  constructor(p: Problem) {
    super(p.message);
    this.name = 'ApiError';
    this.status = p.status;
    this.code = p.code;
    this.field = p.field;
  }
}

function isProblem(v: unknown): v is Problem {
  return typeof v === 'object' && v !== null && typeof (v as Problem).message === 'string' && typeof (v as Problem).status === 'number';
}

/** An ApiError from what a failed call gave: the problem body, or the HTTP status alone. */
export function toApiError(body: unknown, response: Response): ApiError {
  if (isProblem(body)) return new ApiError({ status: body.status, code: body.code ?? 'error', message: body.message, field: body.field ?? null });
  return new ApiError({ status: response.status, code: 'http', message: `${response.status} ${response.statusText}`, field: null });
}

/** The message for a field (`body.qty` or `qty`), when the error names it. */
export function fieldError(err: unknown, field: string): string | null {
  if (!(err instanceof ApiError) || err.field === null) return null;
  return err.field === field || err.field === `body.${field}` || err.field.endsWith(`.${field}`) ? err.message : null;
}
