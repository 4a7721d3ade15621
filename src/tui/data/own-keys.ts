/**
 * The wallet's public keys, read from its public files (`coldkeypub.txt`, `hotkeys/<name>pub.txt`, JSON
 * with `ss58Address`; see wallet.md). Read-only and tolerant: a missing or unreadable wallet is "none".
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OwnHotkey } from './types.js';

function readSs58(file: string): string | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { ss58Address?: unknown; ss58?: unknown };
    const ss58 = parsed.ss58Address ?? parsed.ss58;
    return typeof ss58 === 'string' ? ss58 : null;
  } catch {
    return null;
  }
}

export function readOwnKeys(walletDir: string): { coldkey: string | null; hotkeys: OwnHotkey[] } {
  const coldkey = readSs58(join(walletDir, 'coldkeypub.txt'));
  const hotkeys: OwnHotkey[] = [];
  const dir = join(walletDir, 'hotkeys');
  if (existsSync(dir)) {
    for (const f of readdirSync(dir).sort()) {
      if (!f.endsWith('pub.txt')) continue;
      const ss58 = readSs58(join(dir, f));
      if (ss58) hotkeys.push({ name: f.slice(0, -'pub.txt'.length), ss58 });
    }
  }
  return { coldkey, hotkeys };
}
