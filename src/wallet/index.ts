/**
 * The wallet's public API for the rest of tao: read wallets and addresses without unlocking, and unlock a
 * coldkey or hotkey into a KeyPair for signing. Import from here, not from the individual modules.
 */
export { walletPaths, checkName, type WalletPaths } from './layout.js';
export {
  listWallets,
  loadWalletInfo,
  coldkeyAddress,
  hotkeyAddress,
  type WalletInfo,
  type KeyInfo,
  type HotkeyInfo,
} from './store.js';
export {
  unlockColdkey,
  unlockHotkey,
  unlockColdkeyDetailed,
  unlockHotkeyDetailed,
  type UnlockContext,
  type UnlockedKey,
} from './unlock.js';
export {
  keychainAccount,
  type PasswordContext,
  type PasswordSource,
  MIN_PASSWORD_LENGTH,
} from './password.js';
export { KEYCHAIN_SERVICE } from './keychain.js';
export { DEFAULT_SCRYPT, parseKeyfile, type Keyfile } from './keyfile.js';
