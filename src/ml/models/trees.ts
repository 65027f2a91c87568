// A fitted forest of binary-logistic regression trees in one flat layout, whatever trained it (libxgboost
// through FFI or the ml-xgboost wasm build): read from XGBoost's own model formats, predicted here in plain
// TypeScript (a few µs per row, synchronous, no library needed to load a model), saved as base64 arrays.
// Arithmetic follows XGBoost's CPU predictor: float32 feature values compared with `<` against float32
// split values, NaN takes the default branch, leaf values summed in float32 onto the base margin.
import { f32FromBase64, i32FromBase64, toBase64, u8FromBase64 } from './base64.ts';

export interface TreeEnsemble {
  /** Number of feature columns the trees were fitted on. */
  readonly cols: number;
  /** Starting margin (log-odds, float32). */
  readonly baseMargin: number;
  /** Root node of each tree (index into the node arrays). */
  readonly roots: Int32Array;
  /** Split feature of each node; -1 at a leaf. */
  readonly feature: Int32Array;
  /** Split value (go left when x < value), or the leaf's value at a leaf. */
  readonly value: Float32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** 1 when a missing (NaN) value goes left. */
  readonly defaultLeft: Uint8Array;
  /** Loss reduction of each split (0 at leaves): the gain behind feature importance. */
  readonly gain: Float32Array;
  /** Sum of hessians reaching each node. */
  readonly cover: Float32Array;
}

const f32 = Math.fround;

/** Log-odds of each row (float32 arithmetic, as XGBoost). */
export function treeMargin(t: TreeEnsemble, x: Float64Array, rows: number, out = new Float64Array(rows)): Float64Array {
  const { cols, roots, feature, value, left, right, defaultLeft } = t;
  for (let r = 0; r < rows; r++) {
    const off = r * cols;
    let m = f32(t.baseMargin);
    for (let k = 0; k < roots.length; k++) {
      let n = roots[k]!;
      let f = feature[n]!;
      while (f >= 0) {
        const v = x[off + f]!;
        if (v !== v) n = defaultLeft[n] === 1 ? left[n]! : right[n]!;
        else n = f32(v) < value[n]! ? left[n]! : right[n]!;
        f = feature[n]!;
      }
      m = f32(m + value[n]!);
    }
    out[r] = m;
  }
  return out;
}

/** P(y = 1) of each row: XGBoost's float32 sigmoid of the margin. */
export function treeProba(t: TreeEnsemble, x: Float64Array, rows: number): Float64Array {
  const out = treeMargin(t, x, rows);
  for (let r = 0; r < rows; r++) out[r] = f32(1 / f32(1 + f32(Math.exp(-out[r]!))));
  return out;
}

export interface FeatureImportance {
  readonly feature: number;
  /** Mean loss reduction per split on this feature (XGBoost's "gain"). */
  readonly gain: number;
  /** Total loss reduction over all its splits ("total_gain"). */
  readonly totalGain: number;
  /** Number of splits on it ("weight"). */
  readonly splits: number;
  /** Mean sum of hessians at its splits ("cover"). */
  readonly cover: number;
}

/** Importance of every feature column (0 for a feature no tree splits on). */
export function treeImportance(t: TreeEnsemble): FeatureImportance[] {
  const total = new Float64Array(t.cols);
  const cover = new Float64Array(t.cols);
  const splits = new Int32Array(t.cols);
  for (let n = 0; n < t.feature.length; n++) {
    const f = t.feature[n]!;
    if (f < 0) continue;
    total[f]! += t.gain[n]!;
    cover[f]! += t.cover[n]!;
    splits[f]!++;
  }
  return Array.from({ length: t.cols }, (_, f) => ({
    feature: f,
    gain: splits[f]! > 0 ? total[f]! / splits[f]! : 0,
    totalGain: total[f]!,
    splits: splits[f]!,
    cover: splits[f]! > 0 ? cover[f]! / splits[f]! : 0,
  }));
}

/** JSON-safe form of an ensemble (exact: every array as base64 of its bytes). */
export function treesToState(t: TreeEnsemble): Record<string, unknown> {
  return {
    cols: t.cols, baseMargin: t.baseMargin, roots: toBase64(t.roots), feature: toBase64(t.feature),
    value: toBase64(t.value), left: toBase64(t.left), right: toBase64(t.right),
    defaultLeft: toBase64(t.defaultLeft), gain: toBase64(t.gain), cover: toBase64(t.cover),
  };
}

export function treesFromState(s: unknown): TreeEnsemble {
  const o = s as Record<string, string>;
  if (typeof s !== 'object' || s === null) throw new TypeError('gbdt state: expected an object');
  const cols = (s as { cols: unknown }).cols;
  const baseMargin = (s as { baseMargin: unknown }).baseMargin;
  if (typeof cols !== 'number' || typeof baseMargin !== 'number') throw new TypeError('gbdt state: cols and baseMargin must be numbers');
  const t: TreeEnsemble = {
    cols, baseMargin, roots: i32FromBase64(o['roots']!, 'roots'), feature: i32FromBase64(o['feature']!, 'feature'),
    value: f32FromBase64(o['value']!, 'value'), left: i32FromBase64(o['left']!, 'left'), right: i32FromBase64(o['right']!, 'right'),
    defaultLeft: u8FromBase64(o['defaultLeft']!, 'defaultLeft'), gain: f32FromBase64(o['gain']!, 'gain'), cover: f32FromBase64(o['cover']!, 'cover'),
  };
  checkTrees(t);
  return t;
}

/** Every child index in range, every feature below `cols`, and each tree a tree (no node reached twice). */
function checkTrees(t: TreeEnsemble): void {
  const n = t.feature.length;
  for (const a of [t.value, t.left, t.right, t.defaultLeft, t.gain, t.cover]) {
    if (a.length !== n) throw new RangeError('gbdt state: node arrays differ in length');
  }
  const seen = new Uint8Array(n);
  const stack: number[] = [];
  for (const r of t.roots) {
    if (r < 0 || r >= n) throw new RangeError('gbdt state: a root is out of range');
    stack.push(r);
    while (stack.length > 0) {
      const i = stack.pop()!;
      if (seen[i] === 1) throw new RangeError(`gbdt state: node ${i} is reached twice`);
      seen[i] = 1;
      const f = t.feature[i]!;
      if (f < 0) continue;
      if (f >= t.cols) throw new RangeError(`gbdt state: node ${i} splits on feature ${f} of ${t.cols}`);
      const l = t.left[i]!;
      const rr = t.right[i]!;
      if (l < 0 || l >= n || rr < 0 || rr >= n) throw new RangeError(`gbdt state: node ${i} has a child out of range`);
      stack.push(l, rr);
    }
  }
}

/** Node arrays built tree by tree. */
class Builder {
  readonly roots: number[] = [];
  readonly feature: number[] = [];
  readonly value: number[] = [];
  readonly left: number[] = [];
  readonly right: number[] = [];
  readonly defaultLeft: number[] = [];
  readonly gain: number[] = [];
  readonly cover: number[] = [];

  /** Adds one node of the current tree (children given as indices within the tree). */
  node(base: number, f: number, v: number, l: number, r: number, dl: boolean, g: number, c: number): void {
    const leaf = l < 0;
    this.feature.push(leaf ? -1 : f);
    this.value.push(v);
    this.left.push(leaf ? -1 : base + l);
    this.right.push(leaf ? -1 : base + r);
    this.defaultLeft.push(dl ? 1 : 0);
    this.gain.push(leaf ? 0 : g);
    this.cover.push(c);
  }

  build(cols: number, baseMargin: number): TreeEnsemble {
    const t: TreeEnsemble = {
      cols, baseMargin: f32(baseMargin), roots: Int32Array.from(this.roots), feature: Int32Array.from(this.feature),
      value: Float32Array.from(this.value), left: Int32Array.from(this.left), right: Int32Array.from(this.right),
      defaultLeft: Uint8Array.from(this.defaultLeft), gain: Float32Array.from(this.gain), cover: Float32Array.from(this.cover),
    };
    checkTrees(t);
    return t;
  }
}

interface XgbJsonTree {
  left_children: number[];
  right_children: number[];
  split_indices: number[];
  split_conditions: number[];
  default_left: (number | boolean)[];
  loss_changes: number[];
  sum_hessian: number[];
}

/** A binary:logistic model saved by XGBoost >= 1.0 as JSON (`XGBoosterSaveModelToBuffer`, format json). */
export function treesFromXgboostJson(model: unknown, cols: number): TreeEnsemble {
  const learner = (model as { learner?: Record<string, unknown> }).learner;
  if (!learner) throw new TypeError('xgboost json: no learner');
  const objective = (learner['objective'] as { name?: string } | undefined)?.name;
  if (objective !== 'binary:logistic') throw new TypeError(`xgboost json: objective ${String(objective)}, expected binary:logistic`);
  const p = Number((learner['learner_model_param'] as { base_score: string }).base_score);
  // XGBoost's ProbToMargin for the logistic objective, in float32.
  const baseMargin = f32(-Math.log(f32(f32(1 / p) - 1)));
  const gbm = learner['gradient_booster'] as { model?: { trees?: XgbJsonTree[] } };
  const trees = gbm.model?.trees;
  if (!Array.isArray(trees)) throw new TypeError('xgboost json: no trees (booster is not gbtree?)');
  const b = new Builder();
  for (const tr of trees) {
    const base = b.feature.length;
    b.roots.push(base);
    for (let i = 0; i < tr.left_children.length; i++) {
      b.node(base, tr.split_indices[i]!, tr.split_conditions[i]!, tr.left_children[i]!, tr.right_children[i]!,
        Boolean(tr.default_left[i]), tr.loss_changes[i]!, tr.sum_hessian[i]!);
    }
  }
  return b.build(cols, baseMargin);
}

/**
 * A binary:logistic gbtree model in XGBoost's legacy binary format (the ml-xgboost wasm build, XGBoost 0.7x):
 * LearnerModelParam (136 bytes, base_score already a margin), objective and booster names (u64 length +
 * bytes), GBTreeModelParam (160 bytes), then per tree TreeParam (148 bytes), nodes (20 bytes each) and
 * node stats (16 bytes each). Little-endian.
 */
export function treesFromXgboostLegacy(bytes: Uint8Array, cols: number): TreeEnsemble {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  const need = (n: number): void => {
    if (o + n > bytes.byteLength) throw new RangeError('xgboost legacy model: truncated');
  };
  const i32 = (at: number): number => dv.getInt32(at, true);
  const str = (): string => {
    need(8);
    const len = Number(dv.getBigUint64(o, true));
    o += 8;
    need(len);
    const s = Buffer.from(bytes.subarray(o, o + len)).toString('latin1');
    o += len;
    return s;
  };
  need(136);
  const baseMargin = dv.getFloat32(0, true);
  o = 136;
  const objective = str();
  const booster = str();
  if (objective !== 'binary:logistic' || booster !== 'gbtree') throw new TypeError(`xgboost legacy model: ${objective}/${booster}, expected binary:logistic/gbtree`);
  need(160);
  const numTrees = i32(o);
  const numOutputGroup = i32(o + 24);
  if (numOutputGroup !== 1) throw new RangeError('xgboost legacy model: more than one output group');
  o += 160;
  const b = new Builder();
  for (let k = 0; k < numTrees; k++) {
    need(148);
    const numRoots = i32(o);
    const numNodes = i32(o + 4);
    const leafVector = i32(o + 20);
    if (numRoots !== 1 || leafVector !== 0) throw new RangeError('xgboost legacy model: unsupported tree layout');
    o += 148;
    need(numNodes * 36);
    const nodes = o;
    const stats = o + numNodes * 20;
    const base = b.feature.length;
    b.roots.push(base);
    for (let i = 0; i < numNodes; i++) {
      const at = nodes + i * 20;
      const sindex = dv.getUint32(at + 12, true);
      // A node pruned away is marked by an all-ones split index; keep it as an unreachable leaf.
      const deleted = sindex === 0xffffffff;
      b.node(base, sindex & 0x7fffffff, dv.getFloat32(at + 16, true), deleted ? -1 : i32(at + 4), i32(at + 8), sindex >>> 31 === 1,
        dv.getFloat32(stats + i * 16, true), dv.getFloat32(stats + i * 16 + 4, true));
    }
    o = stats + numNodes * 16;
  }
  return b.build(cols, baseMargin);
}
