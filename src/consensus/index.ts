/**
 * Subtensor's Yuma Consensus epoch (docs/yuma.md), bit-exact with the chain's fixed-point rounding.
 *
 * Public API (pure, no I/O):
 *
 *   runEpoch(inputs: EpochInputs, options?: { semantics?: 'chain' | 'dense' }): EpochOutputs
 *   runSequence(inputs: SequenceInputs, options?): EpochOutputs[]     // the vectors' multi-epoch form
 *   distributeExactly(pool: bigint, shares: readonly (bigint | number)[]): bigint[]
 *
 * Types:
 *
 *   SparseRows   = readonly (readonly [uid: number, value: number])[][]  // one row per uid, u16 values
 *   SparseU16    = { ptr: Int32Array; col: Int32Array; val: Uint16Array } // CSR: row i is
 *                  col/val[ptr[i] .. ptr[i+1]), columns ascending and unique
 *   EpochInputs  = {
 *     n: number;                              // uids 0..n-1
 *     currentBlock: number;
 *     stake: readonly (bigint | number)[];    // rao (integers ≥ 0; Σ < 2^63), length n
 *     weights: SparseRows | SparseU16;        // stored (max-upscaled) u16 rows; entries with uid ≥ n ignored
 *     bonds: SparseRows | SparseU16;          // stored u16 bonds (the previous epoch's `bonds` output)
 *     validatorPermits: readonly boolean[];   // previous epoch's permits (may be shorter than n, see §8)
 *     lastUpdate: readonly number[];          // padded with 0 to n
 *     blockAtRegistration: readonly number[]; // padded with 0 to n
 *     params?: Partial<YumaParams>;           // missing ones: DEFAULT_YUMA_PARAMS
 *   }
 *   YumaParams   = { kappa, bondsPenalty, alphaLow, alphaHigh (u16); bondsMovingAverage (u64, /1e6);
 *                    liquidAlphaEnabled, yuma3Enabled (bool); alphaSigmoidSteepness (i16);
 *                    maxAllowedValidators, tempo, activityCutoff, lastMechanismStepBlock (integers);
 *                    stakeThreshold (rao); ownerUid (uid | null); raoEmission (rao) }
 *   EpochOutputs = {
 *     active, newValidatorPermits: boolean[];
 *     stakeWeightU16, consensusU16, incentiveU16, dividendsU16, validatorTrustU16: number[];  // persisted
 *     serverEmission, validatorEmission, emission: bigint[];   // rao, floor(x × raoEmission)
 *     bonds: SparseU16;                                          // the bond rows to store
 *     fixed: { stake, activeStake, consensus, incentive, dividends, validatorTrust,
 *              normalizedServerEmission, normalizedValidatorEmission, normalizedCombinedEmission }
 *            // I32F32 raw bits (value × 2^32) as exact integer Numbers in Float64Arrays
 *   }
 *
 * Payout: floors make Σ(serverEmission + validatorEmission) ≤ raoEmission, short by less than
 * 2n·(1 + raoEmission/2^32) rao. A ledger that must not lose rao pays with `distributeExactly`.
 */
export type { Semantics, SparseRows, SparseU16 } from './sparse.js';
export { sparseToRows, toSparseU16 } from './sparse.js';
export type { EpochInputs, EpochOutputs, FixedOutputs, YumaParams } from './epoch.js';
export { DEFAULT_YUMA_PARAMS, NEW_SUBNET_PARAMS, runEpoch } from './epoch.js';
export type { SequenceInputs } from './sequence.js';
export { parseSequence, runSequence } from './sequence.js';
export { distributeExactly } from './payout.js';
export { ONE, toFloat } from './fixed.js';
