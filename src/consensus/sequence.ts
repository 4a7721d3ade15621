/**
 * Multi-epoch sequences in the vector format (docs/yuma-vectors.md): parsing the JSON case, carrying
 * bonds and permits between epochs, pre-actions, and running them.
 */
import { type EpochInputs, type EpochOutputs, runEpoch, type YumaParams } from './epoch.js';
import { PackedRows, packedToSparseU16 } from './json-in.js';
import { type Semantics, type SparseRows, type SparseU16, toSparseU16 } from './sparse.js';

export type PreAction =
  | { type: 'reset_bonds_column'; uid: number }
  | { type: 'clear_bonds_row'; uid: number }
  | { type: 'set_validator_permit'; uid: number; value: boolean }
  | { type: 'set_validator_permits'; value: boolean[] };

export interface SequenceEpoch {
  currentBlock: number;
  lastUpdate?: number[];
  weights?: SparseRows | SparseU16;
  stake?: (bigint | number)[];
  blockAtRegistration?: number[];
  params?: Partial<YumaParams>;
  semantics?: Semantics;
  preActions?: PreAction[];
}

export interface SequenceInputs {
  n: number;
  semantics?: Semantics;
  params?: Partial<YumaParams>;
  stake?: (bigint | number)[];
  blockAtRegistration?: number[];
  lastUpdate?: number[];
  weights?: SparseRows | SparseU16;
  initialState?: { validatorPermits?: boolean[]; bonds?: SparseRows | SparseU16 };
  epochs: SequenceEpoch[];
}

/** Runs every epoch; state (bonds, permits) and per-epoch inputs carry over as docs/yuma-vectors.md says. */
export function runSequence(seq: SequenceInputs, options: { semantics?: Semantics } = {}): EpochOutputs[] {
  const n = seq.n;
  let bonds: SparseU16 = toSparseU16(seq.initialState?.bonds ?? [], n, 'initial bonds');
  let permits: boolean[] = (seq.initialState?.validatorPermits ?? new Array<boolean>(n).fill(false)).slice();
  let stake = seq.stake;
  let bar = seq.blockAtRegistration;
  let lastUpdate = seq.lastUpdate;
  let weights: SparseRows | SparseU16 = seq.weights ?? [];
  const outs: EpochOutputs[] = [];
  seq.epochs.forEach((ep, k) => {
    stake = ep.stake ?? stake;
    bar = ep.blockAtRegistration ?? bar;
    lastUpdate = ep.lastUpdate ?? lastUpdate;
    if (ep.weights) weights = ep.weights;
    for (const act of ep.preActions ?? []) {
      if (act.type === 'reset_bonds_column') bonds = editBonds(bonds, n, (_i, j) => j !== act.uid);
      else if (act.type === 'clear_bonds_row') bonds = editBonds(bonds, n, (i) => i !== act.uid);
      else if (act.type === 'set_validator_permit') {
        if (act.uid >= permits.length)
          throw new RangeError(`epoch ${k}: set_validator_permit uid out of range`);
        permits[act.uid] = act.value;
      } else permits = act.value.slice();
    }
    if (!stake) throw new RangeError(`epoch ${k}: no stake given`);
    const inputs: EpochInputs = {
      n,
      currentBlock: ep.currentBlock,
      stake,
      weights,
      bonds,
      validatorPermits: permits,
      lastUpdate: lastUpdate ?? [],
      blockAtRegistration: bar ?? [],
      params: { ...seq.params, ...ep.params },
    };
    weights = toSparseU16(weights, n, 'weights'); // parse once, reuse in later epochs
    inputs.weights = weights;
    const semantics = options.semantics ?? ep.semantics ?? seq.semantics ?? 'chain';
    const out = runEpoch(inputs, { semantics });
    outs.push(out);
    bonds = out.bonds;
    permits = out.newValidatorPermits.slice();
  });
  return outs;
}

function editBonds(b: SparseU16, n: number, keep: (i: number, j: number) => boolean): SparseU16 {
  const ptr = new Int32Array(n + 1);
  const col: number[] = [];
  const val: number[] = [];
  for (let i = 0; i < n; i++) {
    ptr[i] = col.length;
    for (let e = b.ptr[i]!; e < b.ptr[i + 1]!; e++) {
      if (keep(i, b.col[e]!)) {
        col.push(b.col[e]!);
        val.push(b.val[e]!);
      }
    }
  }
  ptr[n] = col.length;
  return { ptr, col: Int32Array.from(col), val: Uint16Array.from(val) };
}

// ---- parsing the vector JSON ---------------------------------------------------------------------------

const PARAM_KEYS: Record<string, keyof YumaParams> = {
  kappa: 'kappa',
  bonds_penalty: 'bondsPenalty',
  bonds_moving_average: 'bondsMovingAverage',
  liquid_alpha_enabled: 'liquidAlphaEnabled',
  alpha_low: 'alphaLow',
  alpha_high: 'alphaHigh',
  alpha_sigmoid_steepness: 'alphaSigmoidSteepness',
  yuma3_enabled: 'yuma3Enabled',
  max_allowed_validators: 'maxAllowedValidators',
  stake_threshold: 'stakeThreshold',
  tempo: 'tempo',
  activity_cutoff: 'activityCutoff',
  last_mechanism_step_block: 'lastMechanismStepBlock',
  owner_uid: 'ownerUid',
  rao_emission: 'raoEmission',
};
const BOOL_PARAMS = new Set(['liquid_alpha_enabled', 'yuma3_enabled']);
const RAO_PARAMS = new Set(['stake_threshold', 'rao_emission']);

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(where: string, msg: string): never {
  throw new RangeError(`${where}: ${msg}`);
}

function int(v: unknown, where: string): number {
  if (!Number.isSafeInteger(v) || (v as number) < 0) fail(where, 'must be a non-negative integer');
  return v as number;
}

/** A rao amount: a JSON integer (exact below 2^53) or a decimal string (any u64). */
function rao(v: unknown, where: string): bigint | number {
  if (typeof v === 'string' && /^\d{1,20}$/.test(v)) {
    const b = BigInt(v);
    if (b < 1n << 64n) return b;
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && !Number.isSafeInteger(v)) {
    fail(where, 'is above 2^53 and lost precision in JSON; give it as a decimal string');
  }
  return int(v, where);
}

function list<T>(v: unknown, where: string, item: (x: unknown, w: string) => T): T[] {
  if (!Array.isArray(v)) fail(where, 'must be a list');
  return v.map((x, i) => item(x, `${where}[${i}]`));
}

/** Sparse u16 rows straight into CSR (validated; no per-entry copies of big matrices). */
const rows = (v: unknown, where: string, n: number): SparseU16 =>
  v instanceof PackedRows ? packedToSparseU16(v, n, where) : toSparseU16(v as SparseRows, n, where);

function params(v: unknown, where: string): Partial<YumaParams> {
  if (!isObj(v)) fail(where, 'must be an object');
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    const key = PARAM_KEYS[k];
    if (!key) fail(`${where}.${k}`, 'unknown parameter');
    if (BOOL_PARAMS.has(k)) {
      if (typeof val !== 'boolean') fail(`${where}.${k}`, 'must be true or false');
      out[key] = val;
    } else if (RAO_PARAMS.has(k)) out[key] = rao(val, `${where}.${k}`);
    else if (k === 'owner_uid') out[key] = val === null ? null : int(val, `${where}.${k}`);
    else if (k === 'alpha_sigmoid_steepness') {
      if (!Number.isInteger(val)) fail(`${where}.${k}`, 'must be an integer (i16)');
      out[key] = val;
    } else out[key] = int(val, `${where}.${k}`);
  }
  return out as Partial<YumaParams>;
}

function semantics(v: unknown, where: string): Semantics | undefined {
  if (v === undefined) return undefined;
  if (v !== 'chain' && v !== 'dense') fail(where, "must be 'chain' or 'dense'");
  return v;
}

const bools = (v: unknown, where: string): boolean[] =>
  list(v, where, (x, w) => {
    if (typeof x !== 'boolean') fail(w, 'must be true or false');
    return x;
  });
const ints = (v: unknown, where: string): number[] => list(v, where, int);

function preAction(v: unknown, where: string): PreAction {
  if (!isObj(v)) fail(where, 'must be an object');
  switch (v.type) {
    case 'reset_bonds_column':
    case 'clear_bonds_row':
      return { type: v.type, uid: int(v.uid, `${where}.uid`) };
    case 'set_validator_permit':
      if (typeof v.value !== 'boolean') fail(`${where}.value`, 'must be true or false');
      return { type: v.type, uid: int(v.uid, `${where}.uid`), value: v.value };
    case 'set_validator_permits':
      return { type: v.type, value: bools(v.value, `${where}.value`) };
    default:
      return fail(`${where}.type`, `unknown pre-action ${JSON.stringify(v.type)}`);
  }
}

/** A vector case (`{kind: "epoch_sequence", inputs}`) or its bare `inputs` → SequenceInputs. */
export function parseSequence(doc: unknown): SequenceInputs {
  if (!isObj(doc)) fail('input', 'must be a JSON object (a vector case or its inputs)');
  if (Array.isArray(doc.cases)) {
    if (doc.cases.length !== 1) fail('input', `holds ${doc.cases.length} cases; give one case per run`);
    return parseSequence(doc.cases[0]);
  }
  if (doc.kind !== undefined && doc.kind !== 'epoch_sequence') fail('kind', 'must be "epoch_sequence"');
  const inp = isObj(doc.inputs) ? doc.inputs : doc;
  const n = int(inp.n, 'inputs.n');
  const out: SequenceInputs = { n, epochs: [] };
  const sem = semantics(inp.semantics, 'inputs.semantics');
  if (sem) out.semantics = sem;
  if (inp.params !== undefined) out.params = params(inp.params, 'inputs.params');
  if (inp.stake !== undefined) out.stake = list(inp.stake, 'inputs.stake', rao);
  if (inp.block_at_registration !== undefined) {
    out.blockAtRegistration = ints(inp.block_at_registration, 'inputs.block_at_registration');
  }
  if (inp.last_update !== undefined) out.lastUpdate = ints(inp.last_update, 'inputs.last_update');
  if (inp.weights !== undefined) out.weights = rows(inp.weights, 'inputs.weights', n);
  if (inp.initial_state !== undefined) {
    const st = inp.initial_state;
    if (!isObj(st)) fail('inputs.initial_state', 'must be an object');
    out.initialState = {};
    if (st.validator_permits !== undefined) {
      out.initialState.validatorPermits = bools(
        st.validator_permits,
        'inputs.initial_state.validator_permits',
      );
    }
    if (st.bonds !== undefined) out.initialState.bonds = rows(st.bonds, 'inputs.initial_state.bonds', n);
  }
  out.epochs = list(inp.epochs, 'inputs.epochs', (e, w) => {
    if (!isObj(e)) fail(w, 'must be an object');
    const ep: SequenceEpoch = { currentBlock: int(e.current_block, `${w}.current_block`) };
    if (e.last_update !== undefined) ep.lastUpdate = ints(e.last_update, `${w}.last_update`);
    if (e.weights !== undefined) ep.weights = rows(e.weights, `${w}.weights`, n);
    if (e.stake !== undefined) ep.stake = list(e.stake, `${w}.stake`, rao);
    if (e.block_at_registration !== undefined) {
      ep.blockAtRegistration = ints(e.block_at_registration, `${w}.block_at_registration`);
    }
    if (e.params !== undefined) ep.params = params(e.params, `${w}.params`);
    const es = semantics(e.semantics, `${w}.semantics`);
    if (es) ep.semantics = es;
    if (e.pre_actions !== undefined) ep.preActions = list(e.pre_actions, `${w}.pre_actions`, preAction);
    return ep;
  });
  if (out.stake && out.stake.length < n) fail('inputs.stake', `must have n = ${n} entries`);
  return out;
}
