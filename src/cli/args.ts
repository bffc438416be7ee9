// Argument parsing with node:util parseArgs (strict): unknown options are usage errors, not silently ignored.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LEVELS, type Level } from '../core/memory';
import { UsageError } from './errors';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(command: string, argv: string[], options: OptionSpec): Parsed {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    return { values: values as Parsed['values'], positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`${command}: ${message.replace(/\. To specify a positional argument.*$/, '')}`);
  }
}

export function str(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function list(p: Parsed, name: string): string[] {
  const v = p.values[name];
  const raw = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return raw.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

export function requireStr(command: string, p: Parsed, name: string): string {
  const v = str(p, name);
  if (!v) throw new UsageError(`${command}: --${name} <value> is required`);
  return v;
}

export function int(command: string, p: Parsed, name: string, fallback: number, min: number, max: number): number {
  const v = str(p, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${command}: --${name} must be a whole number from ${min} to ${max}, got "${v}"`);
  return n;
}

export function num(command: string, p: Parsed, name: string, fallback: number, min: number, max: number): number {
  const v = str(p, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`${command}: --${name} must be a number from ${min} to ${max}, got "${v}"`);
  return n;
}

export function oneOf<T extends string>(command: string, p: Parsed, name: string, allowed: readonly T[], fallback: T): T {
  const v = str(p, name);
  if (v === undefined) return fallback;
  if (!allowed.includes(v as T)) throw new UsageError(`${command}: --${name} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

/** `--levels a,b` (or `all`) as levels; `fallback` when not given. */
export function levelsArg(command: string, p: Parsed, fallback: readonly Level[], name = 'levels'): Level[] {
  const raw = list(p, name);
  if (raw.includes('all')) return [...LEVELS];
  const bad = raw.find((l) => !LEVELS.includes(l as Level));
  if (bad) throw new UsageError(`${command}: --${name} must be among ${LEVELS.join(', ')} or all, got "${bad}"`);
  return raw.length ? (raw as Level[]) : [...fallback];
}
