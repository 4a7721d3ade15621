/** tao's cache directory (`$XDG_CACHE_HOME/tao`, default ~/.cache/tao): runtimes and chain metadata. */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const cacheRoot = (): string => join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'tao');

export const metadataCacheDir = (): string => join(cacheRoot(), 'metadata');
