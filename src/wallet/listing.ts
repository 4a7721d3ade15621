/**
 * `tao wallet list | show`: public facts about wallets, read without unlocking. Imports only the lean
 * store (no crypto, no keychain) so that `tao wallet list --json` starts fast.
 */
import { listWallets, loadWalletInfo, type WalletInfo } from './store.js';

export interface ListedWallet {
  name: string;
  coldkey: string | null;
  hotkeys: { name: string; ss58: string }[];
}

export function handleList(home: string): { wallets: ListedWallet[] } {
  return {
    wallets: listWallets(home).map((w) => ({
      name: w.name,
      coldkey: w.coldkey?.ss58 ?? null,
      hotkeys: w.hotkeys.map((h) => ({ name: h.name, ss58: h.ss58 })),
    })),
  };
}

export interface ShownWallet {
  wallet: string;
  path: string;
  coldkey: {
    ss58: string;
    public_key: string;
    scheme: string;
    encrypted: boolean | null;
    watch_only: boolean;
  } | null;
  hotkeys: { name: string; ss58: string; public_key: string; scheme: string; encrypted: boolean | null }[];
}

export function handleShow(home: string, wallet: string): ShownWallet {
  const info: WalletInfo = loadWalletInfo(home, wallet);
  return {
    wallet: info.name,
    path: info.path,
    coldkey: info.coldkey
      ? {
          ss58: info.coldkey.ss58,
          public_key: info.coldkey.publicKey,
          scheme: info.coldkey.scheme,
          encrypted: info.coldkey.encrypted,
          watch_only: !info.hasColdkeySecret,
        }
      : null,
    hotkeys: info.hotkeys.map((h) => ({
      name: h.name,
      ss58: h.ss58,
      public_key: h.publicKey,
      scheme: h.scheme,
      encrypted: h.encrypted,
    })),
  };
}
