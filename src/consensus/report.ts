/**
 * The `{"epochs": […]}` document of `tao sim epoch`: the reference's keys, order and number types
 * (integers for u16/rao, Python float reprs for the I32F32 views), written as Python's json.dumps does.
 */
import type { EpochOutputs } from './epoch.js';
import { ONE } from './fixed.js';
import { ByteWriter, putUint } from './json-out.js';

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
const COMMA = 0x2c;
const SP = 0x20;
const LB = 0x5b;
const RB = 0x5d;

// Arrays of numbers are written by tight loops on locals (the buffer, the position) into room reserved
// first. A cold process runs each loop interpreted until V8 compiles it on the spot (on-stack replacement);
// that code knows only what already ran, so nothing with type feedback follows a loop in its function
// (a bracket written there would throw the compiled code away at the loop's end, every call): the
// `put…` functions end with the loop and return the position, their callers write the brackets.

/** `key[` … `]` around what `put` writes (at most `room` bytes) at the writer's position. */
function bracketed(
  w: ByteWriter,
  key: string,
  room: number,
  put: (buf: Uint8Array, p: number) => number,
): void {
  w.reserve(key.length + 2 + room);
  w.asciiUnchecked(key);
  w.buf[w.pos++] = LB;
  w.pos = put(w.buf, w.pos);
  w.buf[w.pos++] = RB;
}

/** u16s (0..65535) as "a, b, …". */
function putU16s(buf: Uint8Array, p0: number, xs: readonly number[]): number {
  let p = p0;
  for (let i = 0; i < xs.length; i++) {
    if (i > 0) {
      buf[p++] = COMMA;
      buf[p++] = SP;
    }
    p = putUint(buf, p, xs[i]!);
  }
  return p;
}

/** I32F32 bits as Python float reprs, "a, b, …". */
function putFloats(buf: Uint8Array, p0: number, bits: Float64Array): number {
  let p = p0;
  for (let i = 0; i < bits.length; i++) {
    if (i > 0) {
      buf[p++] = COMMA;
      buf[p++] = SP;
    }
    const t = floatText(bits[i]!);
    for (let c = 0; c < t.length; c++) buf[p++] = t.charCodeAt(c);
  }
  return p;
}

const floatText = (b: number): string => (b === 0 && 1 / b > 0 ? '0.0' : pyFloatFast(b / ONE));

/** Bond row entries col/val[a..z) as "[j, v], [j, v], …". */
function putPairs(
  buf: Uint8Array,
  p0: number,
  col: Int32Array,
  val: Uint16Array,
  a: number,
  z: number,
): number {
  let p = p0;
  for (let e = a; e < z; e++) {
    if (e > a) {
      buf[p++] = COMMA;
      buf[p++] = SP;
    }
    buf[p++] = LB;
    p = putUint(buf, p, col[e]!);
    buf[p++] = COMMA;
    buf[p++] = SP;
    p = putUint(buf, p, val[e]!);
    buf[p++] = RB;
  }
  return p;
}

const u16List = (w: ByteWriter, key: string, xs: readonly number[]): void =>
  bracketed(w, key, xs.length * 7, (buf, p) => putU16s(buf, p, xs));

const floatList = (w: ByteWriter, key: string, bits: Float64Array): void =>
  bracketed(w, key, bits.length * (MAX_FLOAT_CHARS + 2), (buf, p) => putFloats(buf, p, bits));

/** rao amounts (bigints) or booleans: their JSON text is what a native join prints. */
function joined(w: ByteWriter, key: string, xs: readonly (bigint | boolean)[]): void {
  w.ascii(key);
  w.text(`[${xs.join(COMMA_SP)}]`);
}

/** The bond rows "[[j, v], …], []…" without the outer brackets (see above). */
function bondRows(w: ByteWriter, o: EpochOutputs): void {
  const { ptr, col, val } = o.bonds;
  for (let i = 0; i + 1 < ptr.length; i++) {
    const a = ptr[i]!;
    const z = ptr[i + 1]!;
    // "[j, v]" is at most 10 + 2 + 5 + 2 bytes, ", " between
    w.reserve(4 + (z - a) * 21);
    const buf = w.buf;
    let p = w.pos;
    if (i > 0) {
      buf[p++] = COMMA;
      buf[p++] = SP;
    }
    buf[p++] = LB;
    p = putPairs(buf, p, col, val, a, z);
    buf[p++] = RB;
    w.pos = p;
  }
}

/** One epoch as the reference prints it. */
export function writeEpoch(w: ByteWriter, o: EpochOutputs): void {
  const f = o.fixed;
  joined(w, '{"active": ', o.active);
  joined(w, ', "new_validator_permits": ', o.newValidatorPermits);
  u16List(w, ', "stake_weight_u16": ', o.stakeWeightU16);
  u16List(w, ', "consensus_u16": ', o.consensusU16);
  u16List(w, ', "incentive_u16": ', o.incentiveU16);
  u16List(w, ', "dividends_u16": ', o.dividendsU16);
  u16List(w, ', "validator_trust_u16": ', o.validatorTrustU16);
  joined(w, ', "server_emission": ', o.serverEmission);
  joined(w, ', "validator_emission": ', o.validatorEmission);
  joined(w, ', "emission": ', o.emission);
  w.ascii(', "bonds": [');
  bondRows(w, o);
  w.ascii(']');
  floatList(w, ', "stake": ', f.stake);
  floatList(w, ', "active_stake": ', f.activeStake);
  floatList(w, ', "consensus": ', f.consensus);
  floatList(w, ', "validator_trust": ', f.validatorTrust);
  floatList(w, ', "incentive": ', f.incentive);
  floatList(w, ', "dividends": ', f.dividends);
  floatList(w, ', "normalized_server_emission": ', f.normalizedServerEmission);
  floatList(w, ', "normalized_validator_emission": ', f.normalizedValidatorEmission);
  floatList(w, ', "normalized_combined_emission": ', f.normalizedCombinedEmission);
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
