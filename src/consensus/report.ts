/**
 * The `{"epochs": […]}` document of `tao sim epoch`: the reference's keys, order and number types
 * (integers for u16/rao, Python float reprs for the I32F32 views), written as Python's json.dumps does.
 */
import type { EpochOutputs } from './epoch.js';
import { ONE } from './fixed.js';

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

const ints = (xs: ArrayLike<number | bigint>): string => {
  const parts = new Array<string>(xs.length);
  for (let i = 0; i < xs.length; i++) parts[i] = String(xs[i]);
  return `[${parts.join(', ')}]`;
};
const bools = (xs: readonly boolean[]): string => `[${xs.map((b) => (b ? 'true' : 'false')).join(', ')}]`;
const floats = (bits: Float64Array): string => {
  const parts = new Array<string>(bits.length);
  for (let i = 0; i < bits.length; i++) parts[i] = pyFloat(bits[i]! / ONE);
  return `[${parts.join(', ')}]`;
};

function bondsJson(o: EpochOutputs): string {
  const { ptr, col, val } = o.bonds;
  const rows = new Array<string>(ptr.length - 1);
  for (let i = 0; i + 1 < ptr.length; i++) {
    const parts: string[] = [];
    for (let e = ptr[i]!; e < ptr[i + 1]!; e++) parts.push(`[${col[e]}, ${val[e]}]`);
    rows[i] = `[${parts.join(', ')}]`;
  }
  return `[${rows.join(', ')}]`;
}

/** One epoch as the reference prints it. */
export function epochJson(o: EpochOutputs): string {
  const f = o.fixed;
  const fields: [string, string][] = [
    ['active', bools(o.active)],
    ['new_validator_permits', bools(o.newValidatorPermits)],
    ['stake_weight_u16', ints(o.stakeWeightU16)],
    ['consensus_u16', ints(o.consensusU16)],
    ['incentive_u16', ints(o.incentiveU16)],
    ['dividends_u16', ints(o.dividendsU16)],
    ['validator_trust_u16', ints(o.validatorTrustU16)],
    ['server_emission', ints(o.serverEmission)],
    ['validator_emission', ints(o.validatorEmission)],
    ['emission', ints(o.emission)],
    ['bonds', bondsJson(o)],
    ['stake', floats(f.stake)],
    ['active_stake', floats(f.activeStake)],
    ['consensus', floats(f.consensus)],
    ['validator_trust', floats(f.validatorTrust)],
    ['incentive', floats(f.incentive)],
    ['dividends', floats(f.dividends)],
    ['normalized_server_emission', floats(f.normalizedServerEmission)],
    ['normalized_validator_emission', floats(f.normalizedValidatorEmission)],
    ['normalized_combined_emission', floats(f.normalizedCombinedEmission)],
  ];
  return `{${fields.map(([k, v]) => `"${k}": ${v}`).join(', ')}}`;
}

/** The whole `{"epochs": […]}` document (one line, newline-terminated). */
export function epochsJson(outs: readonly EpochOutputs[]): string {
  return `{"epochs": [${outs.map(epochJson).join(', ')}]}\n`;
}
