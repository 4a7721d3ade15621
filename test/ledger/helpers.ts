/** Test fixtures for the pure ledger: a dev genesis state, ed25519/sr25519 keys, and signed, checked txs. */
import { type KeyPair, keyPairFromUri } from '../../src/crypto/keys.js';
import { encodeAddress } from '../../src/crypto/ss58.js';
import { fromHex } from '../../src/crypto/hex.js';
import { signTx } from '../../src/crypto/tx.js';
import type { CheckedTx } from '../../src/ledger/state/apply.js';
import { type Block, buildBlock, type BlockHeader } from '../../src/ledger/state/block.js';
import {
  buildGenesis,
  devGenesis,
  type GenesisConfig,
  localGenesis,
} from '../../src/ledger/state/genesis.js';
import type { StateHasher } from '../../src/ledger/state/state-root.js';
import type { LedgerState } from '../../src/ledger/state/state.js';
import { checkTxStateless } from '../../src/ledger/state/tx-check.js';

export const TAO = 1_000_000_000n;

export interface Key {
  pair: KeyPair;
  address: string;
}

const cache = new Map<string, Key>();
export function key(uri: string, scheme: 'sr25519' | 'ed25519' = 'ed25519'): Key {
  const id = `${scheme}:${uri}`;
  let k = cache.get(id);
  if (!k) {
    const pair = keyPairFromUri(uri, scheme);
    k = { pair, address: encodeAddress(pair.publicKey) };
    cache.set(id, k);
  }
  return k;
}

export class Chain {
  state: LedgerState;
  hasher: StateHasher;
  head: BlockHeader;
  genesisHash: string;
  nonces = new Map<string, number>();

  constructor(readonly config: GenesisConfig) {
    const g = buildGenesis(config);
    this.state = g.state;
    this.hasher = g.hasher;
    this.head = g.header;
    this.genesisHash = g.header.hash;
  }

  static dev(tempo = 10): Chain {
    return new Chain(devGenesis(1_700_000_000_000, tempo));
  }

  static local(tempo = 10): Chain {
    return new Chain(localGenesis(1_700_000_000_000, tempo));
  }

  get alice(): Key {
    return key('//Alice', 'sr25519');
  }

  raw(
    signer: Key,
    call: Record<string, unknown>,
    opts: { nonce?: number; expiry?: number; genesis?: string } = {},
  ) {
    const nonce = opts.nonce ?? this.nonces.get(signer.address) ?? this.state.account(signer.address).nonce;
    this.nonces.set(signer.address, nonce + 1);
    return signTx(signer.pair, {
      genesisHash: fromHex(opts.genesis ?? this.genesisHash),
      nonce,
      expiry: opts.expiry ?? this.head.number + 100,
      call: call as { type: string },
    });
  }

  tx(signer: Key, call: Record<string, unknown>, opts: { nonce?: number; expiry?: number } = {}): CheckedTx {
    return checkTxStateless(this.raw(signer, call, opts), this.genesisHash);
  }

  /** Builds the next block with these txs; returns the block. */
  block(txs: CheckedTx[] = []): Block {
    const { block } = buildBlock(this.state, this.hasher, this.head, txs, this.head.timestamp + 1000);
    this.head = block.header;
    this.nonces.clear();
    return block;
  }

  /** One tx in its own block; returns its receipt. */
  run(signer: Key, call: Record<string, unknown>, opts: { nonce?: number; expiry?: number } = {}) {
    const b = this.block([this.tx(signer, call, opts)]);
    return b.txs[0]!;
  }

  mine(n: number): void {
    for (let i = 0; i < n; i++) this.block();
  }

  free(k: Key): bigint {
    return this.state.account(k.address).free;
  }

  invariantHolds(): boolean {
    return this.state.accountedSupply() === this.state.totalsRecord().issuance;
  }
}

/** xorshift32: a deterministic stream for the property tests. */
export function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return (max: number) => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s % max;
  };
}
