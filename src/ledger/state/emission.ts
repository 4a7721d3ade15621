/**
 * Block emission with Bittensor's halvings: 1 TAO per block until half of the 21M supply is issued, then
 * halving each time the remaining supply halves again (subtensor's `get_block_emission_for_issuance`,
 * in integers): with R = max_supply − issuance, emission = base >> k for the largest k with
 * R · 2^k ≤ max_supply (k = 0 while R > max_supply / 2), never more than R.
 */

export function blockEmission(issuance: bigint, base: bigint, maxSupply: bigint): bigint {
  if (issuance >= maxSupply) return 0n;
  const remaining = maxSupply - issuance;
  let k = 0n;
  while (remaining << (k + 1n) <= maxSupply) k++;
  const emission = base >> k;
  // biome-ignore lint/complexity/useMathMinMax: bigint (Math.min takes numbers)
  return emission < remaining ? emission : remaining;
}
