/** Checks a child spec that arrived over the socket (untrusted JSON) and turns it into a typed ChildSpec. */
import type { ChildSpec } from './types.js';

export class SpecError extends Error {}

/** Letters, digits, '.', '_', '-' and ':' (peer children are `peer:NAME`, docs/peer-contract.md). */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function optionalNumber(obj: Record<string, unknown>, key: string, where: string, min = 0): void {
  const v = obj[key];
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    throw new SpecError(`${where}.${key} must be a number ≥ ${min}`);
  }
}

function checkHealth(health: unknown, where: string): void {
  if (health === undefined) return;
  if (!isObject(health) || typeof health.url !== 'string' || !/^https?:\/\//.test(health.url)) {
    throw new SpecError(`${where}.url must be an http(s) URL`);
  }
  optionalNumber(health, 'intervalMs', where, 10);
  optionalNumber(health, 'timeoutMs', where, 1);
  optionalNumber(health, 'unhealthyAfter', where, 1);
  optionalNumber(health, 'graceMs', where);
}

function checkLogs(logs: unknown, where: string): void {
  if (logs === undefined) return;
  if (!isObject(logs)) throw new SpecError(`${where} must be an object`);
  optionalNumber(logs, 'maxFileBytes', where, 1024);
  optionalNumber(logs, 'keepFiles', where);
  optionalNumber(logs, 'ringLines', where, 1);
}

/** spec.members: named services of a host child (members.ts), names unique and not the host's. */
function checkMembers(members: unknown, host: string): void {
  if (members === undefined) return;
  if (!Array.isArray(members)) throw new SpecError('spec.members must be an array');
  const seen = new Set<string>([host]);
  members.forEach((m: unknown, i) => {
    const where = `spec.members[${i}]`;
    if (!isObject(m)) throw new SpecError(`${where} must be an object`);
    if (typeof m.name !== 'string' || !NAME.test(m.name) || seen.has(m.name))
      throw new SpecError(`${where}.name must be a unique child name`);
    seen.add(m.name);
    if (typeof m.kind !== 'string' || m.kind.length === 0)
      throw new SpecError(`${where}.kind must be a string`);
    if (m.meta !== undefined && !isObject(m.meta)) throw new SpecError(`${where}.meta must be an object`);
    checkHealth(m.health, `${where}.health`);
    checkLogs(m.logs, `${where}.logs`);
  });
}

export function validateSpec(input: unknown): ChildSpec {
  if (!isObject(input)) throw new SpecError('spec must be an object');
  const { name, kind, command, args, env, cwd, health, restart, logs, meta } = input;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new SpecError('spec.name must be 1-64 characters of letters, digits, ".", "_", ":" or "-"');
  }
  if (typeof kind !== 'string' || kind.length === 0) throw new SpecError('spec.kind must be a string');
  if (typeof command !== 'string' || command.length === 0) throw new SpecError('spec.command is required');
  if (args !== undefined && !(Array.isArray(args) && args.every((a) => typeof a === 'string'))) {
    throw new SpecError('spec.args must be an array of strings');
  }
  if (env !== undefined && !(isObject(env) && Object.values(env).every((v) => typeof v === 'string'))) {
    throw new SpecError('spec.env must map names to strings');
  }
  if (cwd !== undefined && typeof cwd !== 'string') throw new SpecError('spec.cwd must be a string');
  checkHealth(health, 'spec.health');
  if (restart !== undefined) {
    if (!isObject(restart)) throw new SpecError('spec.restart must be an object');
    if (
      restart.policy !== undefined &&
      !['always', 'on-failure', 'never'].includes(restart.policy as string)
    ) {
      throw new SpecError("spec.restart.policy must be 'always', 'on-failure' or 'never'");
    }
    for (const key of ['initialDelayMs', 'maxDelayMs', 'stableAfterMs', 'crashLoopWindowMs']) {
      optionalNumber(restart, key, 'spec.restart');
    }
    optionalNumber(restart, 'crashLoopExits', 'spec.restart', 1);
  }
  checkLogs(logs, 'spec.logs');
  optionalNumber(input, 'stopGraceMs', 'spec');
  if (meta !== undefined && !isObject(meta)) throw new SpecError('spec.meta must be an object');
  checkMembers(input.members, name);
  return input as unknown as ChildSpec;
}

/** Two specs describe the same child (used to make `start` idempotent). */
export function sameSpec(a: ChildSpec, b: ChildSpec): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (isObject(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .filter((k) => value[k] !== undefined)
        .sort()
        .map((k) => [k, normalise(value[k])]),
    );
  }
  return value;
}
