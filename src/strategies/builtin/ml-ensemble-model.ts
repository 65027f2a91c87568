// The `model` param of the ml-ensemble strategy: a fitted classifier with the pipeline it was trained with
// (feature spec, the standardizer fitted on its training window, the label), read from a model file written
// by `sextant ml train` (src/ml/models/registry.ts's ModelFile; the pipeline sits in metadata.params.pipeline).
// A walk-forward evaluation gives the strategy a schedule instead: one model per retraining, each used
// from the first bar of its test window.
import { z } from 'zod';
import { ConfigError, InputError } from '../../core/errors.ts';
import { featureNames, loadStandardizer, parseFeatureSpec, type FeatureSpec, type Standardizer } from '../../ml/features/index.ts';
import type { ModelFile } from '../../ml/models/registry.ts';
import type { Classifier, ModelMetadata, SavedModel } from '../../ml/types.ts';
import { FileParamError } from '../file-params.ts';
import { checkIncreasing, indexAt } from './time-schedule.ts';

export const LabelInfoSchema = z.object({
  kind: z.enum(['direction', 'triple-barrier']),
  /** Bars the label looks ahead (the vertical barrier of triple-barrier labels). */
  horizon: z.number().int().min(1),
  profitTake: z.number().min(0).optional(),
  stopLoss: z.number().min(0).optional(),
});
export type LabelInfo = z.infer<typeof LabelInfoSchema>;

/** What the strategy needs beside the classifier: `metadata.params.pipeline` of a model file. */
const PipelineSchema = z.object({
  format: z.literal(1),
  featureSpec: z.unknown(),
  standardizer: z.unknown(),
  /** Bar length of the training data (0 unknown): the feature stream's higher timeframes close by it. */
  timeframeMs: z.number().min(0),
  label: LabelInfoSchema,
});

export interface MlPipeline {
  readonly format: 1;
  readonly featureSpec: FeatureSpec;
  readonly standardizer: Standardizer;
  readonly timeframeMs: number;
  readonly label: LabelInfo;
}

const PIPELINE_PATH = 'metadata.params.pipeline';

/** An error's message without the `file, field "x": ` prefix a ConfigError or InputError puts in front. */
const bare = (e: unknown): string => (e instanceof Error ? e.message : String(e)).replace(/^field "[^"]*": /, '');

/** Checks a pipeline: parsed spec, a standardizer over exactly the spec's columns. FileParamError names the field. */
export function readPipeline(raw: unknown): MlPipeline {
  const r = PipelineSchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new FileParamError(`${issue.message} (a model file written by \`sextant ml train\` has one)`, [PIPELINE_PATH, ...issue.path.map(String)].join('.'));
  }
  let featureSpec: FeatureSpec;
  try {
    featureSpec = parseFeatureSpec(r.data.featureSpec);
  } catch (e) {
    // parseFeatureSpec names the field as `features.<path>`: the same path inside the file's spec.
    const inner = e instanceof ConfigError ? (e.where.field ?? '').replace(/^features\.?/, '') : '';
    throw new FileParamError(bare(e), `${PIPELINE_PATH}.featureSpec${inner ? `.${inner}` : ''}`);
  }
  let standardizer: Standardizer;
  try {
    standardizer = loadStandardizer(r.data.standardizer);
  } catch (e) {
    const inner = e instanceof InputError ? (e.where.field ?? '') : '';
    throw new FileParamError(bare(e), `${PIPELINE_PATH}.standardizer${inner ? `.${inner}` : ''}`);
  }
  const names = featureNames(featureSpec);
  if (names.length !== standardizer.names.length || names.some((n, i) => n !== standardizer.names[i])) {
    throw new FileParamError(`the standardizer's columns (${standardizer.names.join(', ')}) are not the feature spec's (${names.join(', ')})`, `${PIPELINE_PATH}.standardizer.names`);
  }
  return { format: 1, featureSpec, standardizer, timeframeMs: r.data.timeframeMs, label: r.data.label };
}

/** A fitted model ready to score bars. JSON.stringify gives its source (a file name), not its content. */
export class LoadedModel {
  constructor(
    readonly classifier: Classifier,
    readonly pipeline: MlPipeline,
    readonly metadata: ModelMetadata,
    /** Where it came from: the file's path, or a description. */
    readonly source: string,
  ) {
    const f = metadata.features;
    const names = pipeline.standardizer.names;
    if (f.length !== names.length || f.some((n, i) => n !== names[i])) {
      throw new FileParamError('metadata.features does not list the pipeline\'s feature columns', 'metadata.features');
    }
  }

  toJSON(): string {
    return this.source;
  }
}

/** Models by time: each entry is used from `fromMs` (a bar's open time) until the next entry's. */
export class ModelSchedule {
  readonly entries: readonly { readonly fromMs: number; readonly model: LoadedModel }[];

  constructor(entries: readonly { readonly fromMs: number; readonly model: LoadedModel }[], readonly label = `${entries.length} walk-forward models`) {
    if (entries.length === 0) throw new RangeError('model schedule: no models');
    checkIncreasing(entries, 'model schedule');
    const spec = JSON.stringify(entries[0]!.model.pipeline.featureSpec);
    if (entries.some((e) => JSON.stringify(e.model.pipeline.featureSpec) !== spec)) throw new RangeError('model schedule: every model must use the same feature spec');
    this.entries = entries;
  }

  /** Index of the entry in force at `tsMs` (-1 before the first). */
  indexAt(tsMs: number, hint = 0): number {
    return indexAt(this.entries, tsMs, hint);
  }

  toJSON(): string {
    return this.label;
  }
}

/** The library functions a model file needs (src/ml/models/registry.ts), passed in so this module stays light. */
export interface ModelLibrary {
  readModelFile(file: unknown): ModelFile;
  restoreClassifier(saved: SavedModel): Classifier;
}

/** A LoadedModel from a model file's parsed JSON. FileParamError names the bad field. */
export function modelFromJson(json: unknown, source: string, lib: ModelLibrary): LoadedModel {
  let file: ModelFile;
  try {
    file = lib.readModelFile(json);
  } catch (e) {
    const message = (e as Error).message.replace(/^model file: /, '');
    throw new FileParamError(message, /^format/.test(message) ? 'format' : /^metadata/.test(message) ? 'metadata' : /model$/.test(message) ? 'model' : undefined);
  }
  const params = file.metadata.params as Record<string, unknown> | undefined;
  const pipeline = readPipeline(params?.['pipeline']);
  let classifier: Classifier;
  try {
    classifier = lib.restoreClassifier(file.model);
  } catch (e) {
    throw new FileParamError((e as Error).message, 'model');
  }
  return new LoadedModel(classifier, pipeline, file.metadata, source);
}

/**
 * The strategy's file-param loader: imports the model library (the neural net's tfjs among it) only when a
 * model file is actually used, so a backtest of any other strategy does not load it.
 */
export async function loadModelParam(json: unknown, file: string): Promise<LoadedModel> {
  const lib = await import('../../ml/models/registry.ts');
  return modelFromJson(json, file, lib);
}
