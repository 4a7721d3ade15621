/**
 * One input router for the whole console. Ink registers `useInput` handlers in passive effects, which can
 * run after the next keystroke has already arrived (keys typed or pasted quickly went to a stale handler
 * or to none). So the shell owns the only `useInput`, with a stable function, and dialogs hand it their
 * handler *during render* through this sink, which is always the latest closure.
 */
import type { Key } from 'ink';
import { createContext, useContext } from 'react';

export type KeyHandler = (input: string, key: Key) => void;
export type KeySink = { current: KeyHandler | null };

export const KeySinkContext = createContext<KeySink>({ current: null });

/** Routes keys to `handler` while the calling dialog is the one shown. */
export function useKeySink(handler: KeyHandler): void {
  const sink = useContext(KeySinkContext);
  sink.current = handler;
}

/** Applies one key to a line being edited; returns the new text, or `submit` on enter. */
export function editLine(text: string, input: string, key: Key): { text: string; submit: boolean } {
  if (key.return) return { text, submit: true };
  if (key.backspace || key.delete) return { text: [...text].slice(0, -1).join(''), submit: false };
  if (key.ctrl || key.meta || key.escape || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) {
    return { text, submit: false };
  }
  if (key.tab || input === '') return { text, submit: false };
  // A paste arrives as one chunk; keep printable characters only.
  return { text: text + input.replace(/[\x00-\x1f\x7f]/g, ''), submit: false };
}
