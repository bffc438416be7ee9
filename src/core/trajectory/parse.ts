// Entry point: detect the format of one file's text, parse it into a Trajectory, or throw a
// TrajectoryParseError that names the file and what is wrong. Detection uses weak signals (which keys are there);
// validation (zod, per format) is strict, so a file that looks like ATIF but lacks `steps` says exactly that.
import { looksLikeAtif, parseAtif } from './atif';
import { looksLikeGeminiCli, parseGeminiCli } from './gemini-cli';
import { looksLikeMiniSweAgent, parseMiniSweAgent } from './mini-swe-agent';
import { looksLikeChatMessages, parseOpenAIChat } from './openai-chat';
import { looksLikeOpenHands, parseOpenHands } from './openhands';
import { guessDomain, labelledOutcome } from './outcome';
import { parsePlainText } from './plain-text';
import type { ParsedRun } from './run';
import { looksLikeSweAgent, parseSweAgent } from './swe-agent';
import { clean, fileStem, LIMITS } from './text';
import { type ParseOptions, type Trajectory, TrajectoryParseError } from './types';

const JSON_EXT = /\.(json|jsonl|ndjson|traj)$/i;
const TEXT_EXT = /\.(md|markdown|txt|text|log)$/i;

function looksBinary(text: string): boolean {
  const sample = text.slice(0, 8192);
  if (sample.includes('\u0000')) return true;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    const c = sample.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd) odd++;
  }
  return odd > sample.length * 0.05;
}

function lineCol(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const col = pos - before.lastIndexOf('\n');
  return `line ${line}, column ${col}`;
}

function jsonError(text: string, err: unknown, file: string, where = ''): TrajectoryParseError {
  const msg = err instanceof Error ? err.message : String(err);
  if (/unexpected end|end of (json )?input|unterminated/i.test(msg)) {
    return new TrajectoryParseError(file, `invalid JSON${where}: the text ends at character ${text.length} in the middle of a value (the file looks truncated)`);
  }
  const pos = /position (\d+)/.exec(msg)?.[1];
  if (pos !== undefined && Number(pos) >= text.trimEnd().length) {
    return new TrajectoryParseError(file, `invalid JSON${where}: the text ends at character ${text.length} in the middle of a value (the file looks truncated)`);
  }
  const at = pos !== undefined ? ` at ${lineCol(text, Number(pos))} (character ${pos})` : '';
  const detail = msg.replace(/^(JSON\.parse: |SyntaxError: )/, '').replace(/,? ?"[\s\S]*" is not valid JSON$/, '');
  return new TrajectoryParseError(file, `invalid JSON${where}${at}: ${detail}`);
}

/** JSON, JSONL, or `undefined` when the text is not meant to be JSON at all. */
function readJson(text: string, file: string): unknown {
  const trimmed = text.trimStart();
  const first = trimmed[0];
  const second = trimmed.slice(1).trimStart()[0] ?? '';
  // "[12:00:01] started" is a log line, not a JSON array.
  const looksJson = first === '{' || (first === '[' && /[{["\]]/.test(second));
  if (!JSON_EXT.test(file) && !looksJson) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    const lines = text.split('\n');
    const firstLine = lines.findIndex((l) => l.trim());
    let firstValue: unknown;
    try {
      firstValue = JSON.parse(lines[firstLine]);
    } catch {
      // A .md / .txt log that merely starts with a brace is still a log.
      if (TEXT_EXT.test(file)) return undefined;
      throw jsonError(text, err, file);
    }
    if (!firstValue || typeof firstValue !== 'object' || Array.isArray(firstValue)) throw jsonError(text, err, file);
    // JSON Lines: one object per line.
    const values: unknown[] = [];
    for (let i = firstLine; i < lines.length; i++) {
      if (!lines[i].trim()) continue;
      try {
        values.push(JSON.parse(lines[i]));
      } catch (lineErr) {
        throw jsonError(lines[i], lineErr, file, ` on line ${i + 1} of the JSON Lines file`);
      }
    }
    return values;
  }
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function parseJsonValue(data: unknown, file: string): ParsedRun {
  if (Array.isArray(data)) {
    if (data.length === 0) throw new TrajectoryParseError(file, 'the JSON array is empty: no messages or events');
    if (looksLikeChatMessages(data)) return parseOpenAIChat(data, file);
    if (looksLikeOpenHands(data)) return parseOpenHands(data, file);
    const objects = data.filter((x) => x && typeof x === 'object') as Record<string, unknown>[];
    if (objects.some((o) => 'role' in o)) return parseOpenAIChat(data, file);
    if (objects.some((o) => 'source' in o)) return parseOpenHands(data, file);
    throw new TrajectoryParseError(
      file,
      'unrecognized JSON array: expected chat messages (objects with role and content) or OpenHands events (objects with source and action/observation)',
    );
  }
  if (!data || typeof data !== 'object') {
    throw new TrajectoryParseError(file, `the JSON value is ${typeName(data)}, not a trajectory object or array`);
  }
  const o = data as Record<string, unknown>;
  if (looksLikeAtif(o)) return parseAtif(o, file);
  if (looksLikeSweAgent(o)) return parseSweAgent(o, file);
  if (looksLikeGeminiCli(o)) return parseGeminiCli(o, file);
  if (looksLikeMiniSweAgent(o)) return parseMiniSweAgent(o, file);
  if ('messages' in o) return parseOpenAIChat(o.messages, file, typeof o.model === 'string' ? o.model : undefined);
  // Partial shapes: route to the closest format so its validator names the missing field.
  if ('steps' in o || 'agent' in o) return parseAtif(o, file);
  if ('trajectory' in o) return parseSweAgent(o, file);
  const keys = Object.keys(o).slice(0, 8).join(', ') || 'none';
  throw new TrajectoryParseError(
    file,
    `unrecognized JSON trajectory (top-level keys: ${keys}); expected ATIF (schema_version, agent, steps), SWE-agent (trajectory, history, info), mini-swe-agent (messages, info), Gemini CLI (sessionId, messages) or OpenAI chat (messages)`,
  );
}

/**
 * Parses one trajectory file of any supported format (auto-detected).
 * @throws TrajectoryParseError naming the file and the problem (truncated JSON with its position, the missing
 *   field of a wrong shape, binary content, an empty file).
 */
export function parseTrajectory(text: string, fileName: string, options: ParseOptions = {}): Trajectory {
  const file = fileName || 'unnamed';
  if (typeof text !== 'string') throw new TrajectoryParseError(file, `expected text, got ${typeName(text)}`);
  if (looksBinary(text)) throw new TrajectoryParseError(file, 'binary content (not a text or JSON trajectory)');
  const body = text.replace(/^\uFEFF/, '');
  if (!body.trim()) throw new TrajectoryParseError(file, 'the file is empty');
  const data = readJson(body, file);
  const run = data === undefined ? parsePlainText(body) : parseJsonValue(data, file);
  if (!run.task.trim() && run.steps.length === 0) {
    throw new TrajectoryParseError(file, `no task and no steps found in this ${run.format} trajectory`);
  }
  const id = (run.id ?? '').trim() || fileStem(file);
  const label = labelledOutcome(options, id, file);
  const { fileOutcome, id: _id, ...rest } = run;
  return {
    ...rest,
    id,
    file,
    task: clean(run.task, LIMITS.task) ?? '',
    outcome: label ?? fileOutcome ?? 'unknown',
    outcomeSource: label ? 'label' : fileOutcome ? 'file' : 'none',
    model: options.sourceModel?.trim() || run.model,
    domain: guessDomain(run.format, id, options),
  };
}

export interface ParseBatchResult {
  ok: Trajectory[];
  errors: { file: string; message: string }[];
}

/** Parses many files; a bad file is reported in `errors` and the batch goes on. Never throws. */
export function parseTrajectories(files: { name: string; text: string }[], options: ParseOptions = {}): ParseBatchResult {
  const out: ParseBatchResult = { ok: [], errors: [] };
  for (const f of files) {
    try {
      out.ok.push(parseTrajectory(f.text, f.name, options));
    } catch (err) {
      out.errors.push({ file: f.name, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return out;
}
