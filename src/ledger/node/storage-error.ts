/**
 * What a LevelDB failure means to an operator: E_STORAGE (exit 2) naming the data dir, the file when
 * LevelDB names one, and what to do — a full disk, a damaged file, or another I/O failure. Never "a bug".
 */
import { ExitCode, TaoError } from '../../core/errors.js';

const FULL = /no space left|ENOSPC|file too large|EFBIG|quota exceeded|EDQUOT/i;

export function storageError(dir: string, e: unknown, doing: 'open' | 'read' | 'write'): TaoError {
  if (e instanceof TaoError) return e;
  const err = e as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const detail = err.cause?.message ?? err.message ?? String(e);
  const code = err.cause?.code ?? err.code;
  const file = detail.match(/(\/[^\s:]*)?\b(\d{6}\.(?:ldb|sst|log)|MANIFEST-\d+|CURRENT)\b/)?.[0];
  const where = file ? ` (${file})` : '';
  if (FULL.test(detail))
    return new TaoError(
      'E_STORAGE',
      `cannot ${doing} the chain database in ${dir}: the disk is full${where}: ${detail}`,
      ExitCode.usage,
      'free disk space (or raise the file size limit), then start the node again; every block it acknowledged is on disk',
    );
  // A table LevelDB cannot read (EINVAL past a truncated end) is as damaged as one that fails its checksum.
  const unreadableTable = doing !== 'write' && /\.(ldb|sst)$/.test(file ?? '');
  if (
    unreadableTable ||
    code === 'LEVEL_CORRUPTION' ||
    /corruption|truncated|checksum|bad magic|bad block/i.test(detail)
  )
    return new TaoError(
      'E_STORAGE',
      `the chain database in ${dir} is damaged or truncated${where}: ${detail}`,
      ExitCode.usage,
      `restore ${dir} from a backup, or start a new chain with tao node reset --yes (tao node verify shows the damage)`,
    );
  return new TaoError(
    'E_STORAGE',
    `cannot ${doing} the chain database in ${dir}${where}: ${detail}`,
    ExitCode.usage,
    `check the disk and the permissions of ${dir}; tao node verify checks the chain`,
  );
}
