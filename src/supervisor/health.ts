/**
 * Periodic HTTP health checks of one child: a 2xx answer within the timeout is a pass. Reports each result
 * to the owner, which decides what "unhealthy" means and whether to restart.
 */
import { DEFAULTS, type HealthSettings, type HealthStatus } from './types.js';

export const unknownHealth = (): HealthStatus => ({
  status: 'unknown',
  lastCheckAt: null,
  lastError: null,
  consecutiveFailures: 0,
});

/** One check: null when healthy, else the reason. */
export async function checkOnce(url: string, timeoutMs: number): Promise<string | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    if (e.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`;
    return e.cause?.code ?? e.message;
  }
}

/** The next health status after one check result (pure). */
export function nextHealth(
  previous: HealthStatus,
  failure: string | null,
  at: number,
  unhealthyAfter: number,
  inStartPeriod = false,
): HealthStatus {
  if (failure === null) {
    return { status: 'healthy', lastCheckAt: at, lastError: null, consecutiveFailures: 0 };
  }
  if (inStartPeriod) return { ...previous, lastCheckAt: at, lastError: failure };
  const consecutiveFailures = previous.consecutiveFailures + 1;
  return {
    status: consecutiveFailures >= unhealthyAfter ? 'unhealthy' : previous.status,
    lastCheckAt: at,
    lastError: failure,
    consecutiveFailures,
  };
}

/** Runs checks every interval until stopped; `onResult` gets the updated status. */
export class HealthMonitor {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private startedAt = 0;
  private everHealthy = false;
  status: HealthStatus = unknownHealth();

  constructor(
    private readonly settings: HealthSettings,
    private readonly onResult: (status: HealthStatus) => void,
  ) {}

  start(): void {
    this.stopped = false;
    this.startedAt = Date.now();
    this.everHealthy = false;
    this.status = unknownHealth();
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    const interval = this.settings.intervalMs ?? DEFAULTS.healthIntervalMs;
    this.timer = setTimeout(() => void this.tick(), interval);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    const timeout = this.settings.timeoutMs ?? DEFAULTS.healthTimeoutMs;
    const failure = await checkOnce(this.settings.url, timeout);
    if (this.stopped) return;
    const after = this.settings.unhealthyAfter ?? DEFAULTS.unhealthyAfter;
    const now = Date.now();
    const grace = this.settings.graceMs ?? DEFAULTS.healthGraceMs;
    const inStartPeriod = !this.everHealthy && now - this.startedAt < grace;
    if (failure === null) this.everHealthy = true;
    this.status = nextHealth(this.status, failure, now, after, inStartPeriod);
    this.onResult(this.status);
    this.schedule();
  }
}
