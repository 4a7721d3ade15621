/**
 * tao's own wallet keys as a @polkadot/api Signer: the extrinsic payload is encoded by the chain's registry,
 * hashed with blake2-256 when longer than 256 bytes (Substrate's rule), signed by tao's sr25519/ed25519 code
 * and wrapped as a MultiSignature (0x00 ed25519, 0x01 sr25519).
 */
import { blake2b } from '@noble/hashes/blake2.js';
import type { ApiPromise } from '@polkadot/api';
import type { Signer } from '@polkadot/api/types';
import type { SignerPayloadJSON, SignerResult } from '@polkadot/types/types';
import { type KeyPair, sign } from '../../crypto/keys.js';
import { toHex } from '../../crypto/hex.js';

const MULTI_SIGNATURE_TAG = { ed25519: 0x00, sr25519: 0x01 } as const;

export function multiSignature(pair: KeyPair, payload: Uint8Array): Uint8Array {
  const message = payload.length > 256 ? blake2b(payload, { dkLen: 32 }) : payload;
  const signature = sign(pair, message);
  const out = new Uint8Array(1 + signature.length);
  out[0] = MULTI_SIGNATURE_TAG[pair.scheme];
  out.set(signature, 1);
  return out;
}

export function keyPairSigner(api: ApiPromise, pair: KeyPair): Signer {
  let id = 0;
  return {
    signPayload: async (payload: SignerPayloadJSON): Promise<SignerResult> => {
      const encoded = api.registry
        .createType('ExtrinsicPayload', payload, { version: payload.version })
        .toU8a({ method: true });
      return { id: ++id, signature: toHex(multiSignature(pair, encoded)) as `0x${string}` };
    },
  };
}
