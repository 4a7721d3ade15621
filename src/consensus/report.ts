/**
 * The `{"epochs": […]}` document of `tao sim epoch`: the reference's keys, order and number types
 * (integers for u16/rao, Python float reprs for the I32F32 views), written as Python's json.dumps does.
 */
import type { EpochOutputs } from './epoch.js';
import { ONE } from './fixed.js';
import { ByteWriter, MAX_INT_CHARS } from './json-out.js';

/** Python's `repr(float)`: shortest round-trip digits, always with a '.' or an exponent. */
export function pyFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const [mant, expStr] = Math.abs(x).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const e = Number(expStr);
  if (e < -4 || e >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const ee = Math.abs(e) < 10 ? `0${Math.abs(e)}` : String(Math.abs(e));
    return `${sign}${m}e${e < 0 ? '-' : '+'}${ee}`;
  }
  if (e < 0) return `${sign}0.${'0'.repeat(-e - 1)}${digits}`;
  if (digits.length <= e + 1) return `${sign}${digits}${'0'.repeat(e + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, e + 1)}.${digits.slice(e + 1)}`;
}

/** pyFloat, quick for the usual magnitudes: there `String(x)` has the same digits in the same layout. */
export function pyFloatFast(x: number): string {
  const a = x < 0 ? -x : x;
  if (a >= 1e-4 && a < 1e16) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  return pyFloat(x);
}

/** The longest float repr (sign, 17 digits, '.', 'e-308'). */
const MAX_FLOAT_CHARS = 26;
const COMMA_SP = ', ';
const LB = 0x5b;
const RB = 0x5d;

function ints(w: ByteWriter, key: string, xs: ArrayLike<number | bigint>): void {
  w.reserve(key.length + 2 + xs.length * (MAX_INT_CHARS + 2));
  w.asciiUnchecked(key);
  w.byteUnchecked(LB);
  for (let i = 0; i < xs.length; i++) {
    if (i > 0) w.asciiUnchecked(COMMA_SP);
    w.intUnchecked(xs[i]!);
  }
  w.byteUnchecked(RB);
}

function bools(w: ByteWriter, key: string, xs: readonly boolean[]): void {
  w.reserve(key.length + 2 + xs.length * 7);
  w.asciiUnchecked(key);
  w.byteUnchecked(LB);
  for (let i = 0; i < xs.length; i++) {
    if (i > 0) w.asciiUnchecked(COMMA_SP);
    w.asciiUnchecked(xs[i] ? 'true' : 'false');
  }
  w.byteUnchecked(RB);
}

function floats(w: ByteWriter, key: string, bits: Float64Array): void {
  w.reserve(key.length + 2 + bits.length * (MAX_FLOAT_CHARS + 2));
  w.asciiUnchecked(key);
  w.byteUnchecked(LB);
  for (let i = 0; i < bits.length; i++) {
    if (i > 0) w.asciiUnchecked(COMMA_SP);
    const b = bits[i]!;
    if (b === 0) w.asciiUnchecked(Object.is(b, -0) ? '-0.0' : '0.0');
    else w.asciiUnchecked(pyFloatFast(b / ONE));
  }
  w.byteUnchecked(RB);
}

function bonds(w: ByteWriter, key: string, o: EpochOutputs): void {
  const { ptr, col, val } = o.bonds;
  w.ascii(key);
  w.ascii('[');
  for (let i = 0; i + 1 < ptr.length; i++) {
    const a = ptr[i]!;
    const z = ptr[i + 1]!;
    w.reserve(4 + (z - a) * 20);
    if (i > 0) w.asciiUnchecked(COMMA_SP);
    w.byteUnchecked(LB);
    for (let e = a; e < z; e++) {
      if (e > a) w.asciiUnchecked(COMMA_SP);
      w.byteUnchecked(LB);
      w.u32Unchecked(col[e]!);
      w.asciiUnchecked(COMMA_SP);
      w.u32Unchecked(val[e]!);
      w.byteUnchecked(RB);
    }
    w.byteUnchecked(RB);
  }
  w.ascii(']');
}

/** One epoch as the reference prints it. */
export function writeEpoch(w: ByteWriter, o: EpochOutputs): void {
  const f = o.fixed;
  bools(w, '{"active": ', o.active);
  bools(w, ', "new_validator_permits": ', o.newValidatorPermits);
  ints(w, ', "stake_weight_u16": ', o.stakeWeightU16);
  ints(w, ', "consensus_u16": ', o.consensusU16);
  ints(w, ', "incentive_u16": ', o.incentiveU16);
  ints(w, ', "dividends_u16": ', o.dividendsU16);
  ints(w, ', "validator_trust_u16": ', o.validatorTrustU16);
  ints(w, ', "server_emission": ', o.serverEmission);
  ints(w, ', "validator_emission": ', o.validatorEmission);
  ints(w, ', "emission": ', o.emission);
  bonds(w, ', "bonds": ', o);
  floats(w, ', "stake": ', f.stake);
  floats(w, ', "active_stake": ', f.activeStake);
  floats(w, ', "consensus": ', f.consensus);
  floats(w, ', "validator_trust": ', f.validatorTrust);
  floats(w, ', "incentive": ', f.incentive);
  floats(w, ', "dividends": ', f.dividends);
  floats(w, ', "normalized_server_emission": ', f.normalizedServerEmission);
  floats(w, ', "normalized_validator_emission": ', f.normalizedValidatorEmission);
  floats(w, ', "normalized_combined_emission": ', f.normalizedCombinedEmission);
  w.ascii('}');
}

/** The whole `{"epochs": […]}` document (one line, newline-terminated) into a writer. */
export function writeEpochs(w: ByteWriter, outs: readonly EpochOutputs[]): void {
  w.ascii('{"epochs": [');
  outs.forEach((o, k) => {
    if (k > 0) w.ascii(COMMA_SP);
    writeEpoch(w, o);
  });
  w.ascii(']}\n');
  w.flush();
}

/** The whole `{"epochs": […]}` document as a string. */
export function epochsJson(outs: readonly EpochOutputs[]): string {
  const w = new ByteWriter();
  writeEpochs(w, outs);
  return asciiText(w.bytes());
}

const asciiText = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
