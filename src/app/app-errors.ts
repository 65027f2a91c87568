// Input errors a transport answers with a specific status: the thing asked for does not exist (404), or it
// exists in a state that does not allow the request (409). Both are InputErrors (CLI exit code 2).
import { InputError } from '../core/errors.ts';

export class NotFoundError extends InputError {
  readonly status = 404 as const;
}

export class ConflictError extends InputError {
  readonly status = 409 as const;
}
