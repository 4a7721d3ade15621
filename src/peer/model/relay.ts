/**
 * The copycat neighbour (docs/pruning.md §3.7): it has no model of its own and returns its target's answers
 * verbatim. In the peer runtime the target is another peer reached through the dendrite; in-process the
 * target is a loaded classifier. Either way a copycat is a `Forward` that relays to the target's `Forward`.
 */

/** Any neighbour answer function: x [rows, 32] → probs [rows, 10]. */
export type Forward = (x: Float32Array, rows: number) => Promise<Float32Array>;

/** Wraps a target so that every query is forwarded to it and its output returned unchanged. */
export function copycat(target: Forward): Forward {
  return (x, rows) => target(x, rows);
}
