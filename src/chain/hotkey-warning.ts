/**
 * The warning before a transfer whose destination is a hotkey: `tao wallet transfer` and the console's transfer
 * review say it in the same words.
 */
export const hotkeyDestinationWarning = (to: string, owner: string): string =>
  `${to} is a hotkey (owned by coldkey ${owner}); funds sent to a hotkey are not its owner's balance`;
