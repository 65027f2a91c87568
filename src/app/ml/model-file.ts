// Model files: a fitted classifier with its pipeline (feature spec, standardizer, label) and the metadata
// that traces it to its training (features, window, SHA-256 of the bars, params, library versions).
import { MODEL_FILE_FORMAT, readModelFile, restoreClassifier, type ModelFile } from '../../ml/models/registry.ts';
import type { FeatureSpec, Standardizer } from '../../ml/features/index.ts';
import type { SavedModel } from '../../ml/types.ts';
import { modelFromJson, type LabelInfo, type LoadedModel } from '../../strategies/builtin/ml-ensemble-model.ts';
import { readJsonFile } from '../strategy-file-params.ts';
import { ConfigError } from '../../core/errors.ts';
import { FileParamError } from '../../strategies/file-params.ts';
import { classifierParams } from './fit.ts';
import { libraryVersions, type ModelKind } from './dataset.ts';

export interface ModelFileParts {
  readonly kind: ModelKind;
  readonly seed: number;
  readonly featureSpec: FeatureSpec;
  readonly standardizer: Standardizer;
  readonly label: LabelInfo;
  readonly timeframeMs: number;
  readonly saved: SavedModel;
  /** Versions the classifier reported (the GBDT's trainer). */
  readonly libraries: Record<string, string>;
  readonly trainStartMs: number;
  readonly trainEndMs: number;
  readonly dataHash: string;
  /** Anything else worth keeping about the training (data sources, rows, validation scores). */
  readonly training: Record<string, unknown>;
  readonly createdAt?: string;
}

export function buildModelFile(p: ModelFileParts): ModelFile {
  return {
    format: MODEL_FILE_FORMAT,
    metadata: {
      features: [...p.standardizer.names],
      trainStartMs: p.trainStartMs,
      trainEndMs: p.trainEndMs,
      dataHash: p.dataHash,
      params: {
        pipeline: { format: 1, featureSpec: p.featureSpec, standardizer: p.standardizer, timeframeMs: p.timeframeMs, label: p.label },
        model: { kind: p.kind, seed: p.seed, ...classifierParams(p.kind) },
        training: p.training,
      },
      libraries: { ...libraryVersions(p.kind), ...p.libraries },
      createdAt: p.createdAt ?? new Date().toISOString(),
    },
    model: p.saved,
  };
}

const LIBRARY = { readModelFile, restoreClassifier };

/** The loaded model of a model file in memory (as the strategy would load it from disk). */
export function loadedModel(file: ModelFile, source: string): LoadedModel {
  return modelFromJson(file, source, LIBRARY);
}

/** Reads a model file from disk: ConfigError naming the file (and the field inside it) when it is not usable. */
export function readModel(path: string, flag = '--model'): LoadedModel {
  const json = readJsonFile(path, flag);
  try {
    return modelFromJson(json, path, LIBRARY);
  } catch (e) {
    throw new ConfigError(`not a usable model file: ${(e as Error).message}`, { file: path, field: e instanceof FileParamError && e.field !== undefined ? e.field : flag });
  }
}
