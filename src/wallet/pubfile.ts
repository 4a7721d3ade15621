/**
 * The public half of a key as btcli writes it (`coldkeypub.txt`, `hotkeys/<name>pub.txt`): JSON
 * `{accountId, publicKey, ss58Address}`. Reading it needs no crypto, so `tao wallet list` stays fast.
 */

export interface PubFile {
  accountId: string;
  publicKey: string;
  ss58Address: string;
  /** tao adds the scheme; btcli files have none (they are sr25519). */
  scheme?: string;
}

export function pubFileText(publicKeyHex: string, ss58: string, scheme?: string): string {
  const doc: PubFile = { accountId: publicKeyHex, publicKey: publicKeyHex, ss58Address: ss58 };
  if (scheme) doc.scheme = scheme;
  return `${JSON.stringify(doc)}\n`;
}

/** Parses a pub file; returns null when it is not one (the caller decides whether that is an error). */
export function parsePubFile(text: string): PubFile | null {
  try {
    const doc = JSON.parse(text) as Record<string, unknown>;
    if (!doc || typeof doc !== 'object') return null;
    const ss58 = doc.ss58Address;
    const pub = doc.publicKey ?? doc.accountId;
    if (typeof ss58 !== 'string' || typeof pub !== 'string') return null;
    const out: PubFile = { accountId: String(doc.accountId ?? pub), publicKey: pub, ss58Address: ss58 };
    if (typeof doc.scheme === 'string') out.scheme = doc.scheme;
    return out;
  } catch {
    return null;
  }
}
