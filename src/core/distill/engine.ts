// Distillation engines. The core only needs "prompt in, text out"; which engine runs (in-browser model, a local
// OpenAI-compatible server, a human pasting) is the caller's choice. The OpenAI-compatible client talks only to
// the URL the user configured — Ollama, llama.cpp server, LM Studio, vLLM all accept POST /chat/completions.
import type { MemoryInput, Scope } from '../memory';
import type { Trajectory } from '../trajectory/types';
import { memoriesFromAnswer } from './from-answer';
import { buildPrompt, type LlmLevel, PROMPT_VERSIONS } from './prompts';

export interface DistillEngine {
  /** Becomes provenance.distiller, e.g. `llm:qwen2.5-coder:1.5b`. */
  readonly distiller: string;
  complete(prompt: string, options?: { signal?: AbortSignal }): Promise<string>;
}

export type EngineErrorKind = 'config' | 'connection' | 'http' | 'bad-response' | 'aborted';

export class EngineError extends Error {
  constructor(
    readonly kind: EngineErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

export interface OpenAIEngineOptions {
  /** e.g. http://127.0.0.1:11434/v1 (Ollama), http://127.0.0.1:8080/v1 (llama.cpp), http://127.0.0.1:1234/v1 (LM Studio). */
  baseUrl: string;
  model: string;
  apiKey?: string;
  temperature?: number;
  maxTokens?: number;
  /** Injected for tests or non-global fetch environments. */
  fetch?: typeof fetch;
}

export function chatCompletionsUrl(baseUrl: string): string {
  let u: URL;
  try {
    u = new URL(baseUrl.trim());
  } catch {
    throw new EngineError('config', `invalid endpoint URL "${baseUrl}": expected something like http://127.0.0.1:11434/v1`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new EngineError('config', `endpoint URL must be http(s), got ${u.protocol}`);
  const path = u.pathname.replace(/\/+$/, '');
  u.pathname = path.endsWith('/chat/completions') ? path : `${path}/chat/completions`;
  return u.toString();
}

function causeText(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

function snippet(text: string, max = 300): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

export function createOpenAIEngine(options: OpenAIEngineOptions): DistillEngine {
  const url = chatCompletionsUrl(options.baseUrl);
  const model = options.model?.trim();
  if (!model) throw new EngineError('config', 'no model name given for the OpenAI-compatible endpoint');
  const doFetch = options.fetch ?? globalThis.fetch?.bind(globalThis);
  if (!doFetch) throw new EngineError('config', 'no fetch available in this environment');

  return {
    distiller: `llm:${model}`,
    async complete(prompt, { signal } = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (options.apiKey) headers.authorization = `Bearer ${options.apiKey}`;
      let res: Response;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers,
          signal,
          body: JSON.stringify({
            model,
            messages: [{ role: 'user', content: prompt }],
            temperature: options.temperature ?? 0.2,
            max_tokens: options.maxTokens ?? 1024,
            stream: false,
          }),
        });
      } catch (err) {
        if (signal?.aborted || (err as Error)?.name === 'AbortError') throw new EngineError('aborted', `request to ${url} was cancelled`);
        const why = causeText(err);
        const hint = /ECONNREFUSED/.test(why)
          ? 'connection refused: is the server running and listening on that port?'
          : /ENOTFOUND|EAI_AGAIN/.test(why)
            ? 'host not found'
            : /Failed to fetch|NetworkError|Load failed/i.test(why)
              ? 'the server is not reachable, or it does not allow requests from this page (CORS)'
              : why;
        throw new EngineError('connection', `cannot reach ${url}: ${hint}`);
      }
      const text = await res.text().catch(() => '');
      if (!res.ok) {
        let detail = snippet(text);
        try {
          const j = JSON.parse(text) as { error?: { message?: string } | string; message?: string };
          detail = (typeof j.error === 'string' ? j.error : j.error?.message) ?? j.message ?? detail;
        } catch {
          // keep the raw snippet
        }
        const hint = res.status === 404 ? ' (check the base URL: Ollama, llama.cpp and LM Studio serve it under /v1)' : '';
        throw new EngineError('http', `${url} answered ${res.status} ${res.statusText}${detail ? `: ${detail}` : ''}${hint}`, res.status);
      }
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new EngineError('bad-response', `${url} did not answer with JSON: ${snippet(text) || '(empty body)'}`);
      }
      const choice = (body as { choices?: { message?: { content?: unknown }; text?: unknown }[] })?.choices?.[0];
      const content = choice?.message?.content ?? choice?.text;
      const out = typeof content === 'string' ? content : Array.isArray(content) ? content.map((p) => (p as { text?: string })?.text ?? '').join('') : undefined;
      if (out === undefined) throw new EngineError('bad-response', `${url} answered JSON without choices[0].message.content: ${snippet(text)}`);
      return out;
    },
  };
}

export interface DistillResult {
  prompt: string;
  answer: string;
  memories: MemoryInput[];
}

/**
 * Prompt → engine → parsed memories for one level of one trajectory.
 * @throws EngineError (transport) or AnswerParseError (the model's answer lacks a field).
 */
export async function distillWithEngine(
  level: LlmLevel,
  t: Trajectory,
  engine: DistillEngine,
  options: { variant?: Scope; signal?: AbortSignal; maxTrajectoryChars?: number } = {},
): Promise<DistillResult> {
  const prompt = buildPrompt(level, t, { variant: options.variant, maxTrajectoryChars: options.maxTrajectoryChars });
  const answer = await engine.complete(prompt, { signal: options.signal });
  const memories = memoriesFromAnswer(level, answer, t, { distiller: engine.distiller, variant: options.variant, promptVersion: PROMPT_VERSIONS[level] });
  return { prompt, answer, memories };
}
