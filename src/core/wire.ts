/**
 * The JSON-RPC shapes both ends of tao's ledger protocol agree on (docs/rpc.md): what the node
 * (src/ledger/node/rpc.ts, node.ts) sends and the client (src/client/decode.ts) reads. snake_case as on the wire;
 * amounts that can pass 2^53 are decimal rao strings. The ledger's state records build on these fields, the
 * client's camelCase views decode them.
 */

/** A served axon: `serve_axon`'s endpoint as stored and sent (`protocol` defaults to 4). */
export interface Axon {
  ip: string;
  port: number;
  protocol: number;
}

export type TxState = 'pending' | 'included' | 'rejected' | 'unknown';

/** Why the ledger rejected a transaction: an `E_…` code and one line. */
export interface TxError {
  code: string;
  message: string;
}

/** `tx_status`'s result and the `tx` event's body: `block` once included or rejected, `error` when rejected. */
export interface TxStatus {
  status: TxState;
  block?: number;
  error?: TxError;
}

/** A neuron's fields as the ledger keeps them and sends them: ranking fields are u16 (0..65535). */
export interface NeuronFields {
  uid: number;
  hotkey: string;
  coldkey: string;
  registered_at: number; // block_at_registration
  last_update: number;
  axon: Axon | null;
  validator_permit: boolean;
  active: boolean;
  rank: number;
  trust: number;
  consensus: number;
  incentive: number;
  dividends: number;
  validator_trust: number;
  stake_weight: number;
}

/**
 * One row of `subnet_metagraph.neurons`: the fields, the hotkey's root stake (τ), its α on this subnet and
 * the last epoch's emission (α).
 */
export interface NeuronJson extends NeuronFields {
  stake: string;
  alpha_stake: string;
  emission: string;
}

/** `validator_trust` → `validatorTrust`: the camelCase name a view gives a wire field. */
export type CamelName<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelName<Tail>>}`
  : S;

/** A wire record's fields under their camelCase names, each with its wire type. */
export type Camelized<T> = { [K in keyof T & string as CamelName<K>]: T[K] };
