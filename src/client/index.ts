/** The typed client of the ledger node (docs/rpc.md): import from here. */
export { NodeClient, type NodeClientOptions } from './node-client.js';
export { type ConnectionState, type EventStreamOptions, SseParser } from './sse.js';
export {
  type CallOptions,
  classifyConnectionError,
  mapRpcError,
  NODE_HINT,
  RpcTransport,
} from './transport.js';
export type * from './types.js';
export type { WaitOptions } from './wait.js';
export { normalizeWeights, parseUids, parseWeightRow, vecMaxUpscaleToU16Fixed } from './weights.js';
export { type CallObject, prepareTx, type SendOptions, sendTx } from './send.js';
