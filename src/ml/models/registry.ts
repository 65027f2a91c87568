// Building classifiers by kind, and model files: a fitted classifier with the metadata that traces its
// predictions to its training (feature list, window, data hash, params, library versions). JSON-safe in
// and out; the caller (app layer) reads and writes the file.
import type { Classifier, ModelMetadata, SavedModel } from '../types.ts';
import { CalibratedClassifier } from './calibrated.ts';
import { hasLibraries } from './classifier.ts';
import { EnsembleClassifier } from './ensemble.ts';
import { GbdtClassifier, type GbdtParams } from './gbdt.ts';
import { LogisticClassifier, type LogisticParams } from './logistic.ts';
import { NnClassifier, type NnParams } from './nn.ts';

export const MODEL_FILE_FORMAT = 'sextant-model/1';

export interface ModelFile {
  readonly format: typeof MODEL_FILE_FORMAT;
  readonly metadata: ModelMetadata;
  readonly model: SavedModel;
}

type Restorer = (saved: SavedModel) => Classifier;

const restorers: Record<string, Restorer> = {
  logistic: (s) => LogisticClassifier.restore(s),
  gbdt: (s) => GbdtClassifier.restore(s),
  nn: (s) => NnClassifier.restore(s),
  calibrated: (s) => CalibratedClassifier.restore(s, restoreClassifier),
  ensemble: (s) => EnsembleClassifier.restore(s, restoreClassifier),
};

/** The kinds a model file may hold. */
export const MODEL_KINDS: readonly string[] = Object.keys(restorers);

/** A fitted classifier from its saved form. */
export function restoreClassifier(saved: SavedModel): Classifier {
  if (!saved || typeof saved !== 'object') throw new TypeError('model: expected a saved model object');
  if (saved.format !== 1) throw new TypeError(`model: saved format ${String(saved.format)} is not supported (expected 1)`);
  const r = Object.hasOwn(restorers, saved.kind) ? restorers[saved.kind] : undefined;
  if (!r) throw new TypeError(`model: unknown kind ${String(saved.kind)} (known: ${MODEL_KINDS.join(', ')})`);
  return r(saved);
}

/** The default model of the ML strategy: 60% gradient-boosted trees, 40% neural net, Platt-calibrated. */
export function defaultEnsemble(seed = 0, gbdt: Partial<GbdtParams> = {}, nn: Partial<NnParams> = {}): EnsembleClassifier {
  return new EnsembleClassifier([new GbdtClassifier({ seed, ...gbdt }), new NnClassifier({ seed, ...nn })], { weights: [0.6, 0.4] });
}

/** An unfitted classifier of a kind ('logistic', 'gbdt', 'nn', 'ensemble' = the default ensemble). */
export function createClassifier(kind: string, params: Record<string, unknown> = {}): Classifier {
  switch (kind) {
    case 'logistic': return new LogisticClassifier(params as Partial<LogisticParams>);
    case 'gbdt': return new GbdtClassifier(params as Partial<GbdtParams>);
    case 'nn': return new NnClassifier(params as Partial<NnParams>);
    case 'ensemble': return defaultEnsemble(typeof params['seed'] === 'number' ? params['seed'] : 0);
    default: throw new RangeError(`model: unknown kind ${kind} (logistic, gbdt, nn, ensemble)`);
  }
}

/**
 * A model file for a fitted classifier. `metadata.libraries` is completed with the versions the classifier
 * reports it was trained with (those win over the caller's for the same name).
 */
export function saveModel(c: Classifier, metadata: ModelMetadata): ModelFile {
  const libraries = { ...metadata.libraries, ...(hasLibraries(c) ? c.libraries() : {}) };
  return { format: MODEL_FILE_FORMAT, metadata: { ...metadata, libraries }, model: c.save() };
}

/** Checks a parsed model file's envelope and returns it typed. */
export function readModelFile(file: unknown): ModelFile {
  const f = file as Partial<ModelFile> | null;
  if (!f || typeof f !== 'object') throw new TypeError('model file: expected an object');
  if (f.format !== MODEL_FILE_FORMAT) throw new TypeError(`model file: format ${String(f.format)}, expected ${MODEL_FILE_FORMAT}`);
  const m = f.metadata;
  if (!m || !Array.isArray(m.features) || typeof m.dataHash !== 'string' || typeof m.trainStartMs !== 'number' || typeof m.trainEndMs !== 'number') {
    throw new TypeError('model file: metadata needs features, trainStartMs, trainEndMs and dataHash');
  }
  if (!f.model) throw new TypeError('model file: no model');
  return f as ModelFile;
}

/** The fitted classifier in a parsed model file. */
export function loadModel(file: unknown): Classifier {
  return restoreClassifier(readModelFile(file).model);
}
