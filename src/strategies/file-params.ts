// Strategy params that name a file (a trained model, a policy): strategies do no I/O, so a strategy class
// declares which params are files and how each file's parsed JSON becomes the param's value; the app layer
// (src/app/strategy-file-params.ts) reads the files before the config is validated. The value keeps the
// file's name for reports: JSON.stringify of it gives the path, not the file's content.

/** Turns a file's parsed JSON into the param's value; may import code lazily (e.g. the model library). */
export type FileParamLoader = (json: unknown, file: string) => unknown;

/** What a strategy class with file params declares: `static readonly fileParams = { model: loadModel }`. */
export interface WithFileParams {
  readonly fileParams: Readonly<Record<string, FileParamLoader>>;
}

/** The file params a strategy class declares (none for most). */
export function fileParamsOf(cls: unknown): Readonly<Record<string, FileParamLoader>> {
  const f = (cls as Partial<WithFileParams> | null)?.fileParams;
  return f !== undefined && f !== null && typeof f === 'object' ? f : {};
}

/** A bad file param: `field` is the path of the bad value inside the file (e.g. `metadata.features`). */
export class FileParamError extends Error {
  constructor(message: string, readonly field?: string) {
    super(message);
    this.name = 'FileParamError';
  }
}
