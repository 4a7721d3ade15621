/**
 * The symlink rule: inside `<home>/wallets/`, the wallet directory, its `hotkeys/` directory and every key
 * file must be real, not symbolic links. Following one would write a new key through it into wherever it
 * points, or copy its target into a `.bak-*` backup. The tao home and `wallets/` itself may be links
 * (a home on another disk is common); `tao wallet list/show` read public files only and are not checked.
 */
import { lstatSync } from 'node:fs';
import { walletSymlink } from './errors.js';
import { walletPaths } from './layout.js';

/** E_WALLET_SYMLINK when `path` is a symbolic link; nothing when it is anything else or missing. */
export function refuseLink(path: string): void {
  let link = false;
  try {
    link = lstatSync(path).isSymbolicLink();
  } catch {
    return; // missing (or unreadable, which the caller's own access reports)
  }
  if (link) throw walletSymlink(path);
}

/** Refuses a wallet whose directory or hotkeys/ directory is a symbolic link. */
export function refuseWalletLinks(home: string, wallet: string): void {
  const p = walletPaths(home, wallet);
  refuseLink(p.dir);
  refuseLink(p.hotkeys);
}
