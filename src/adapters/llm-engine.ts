// The in-browser LLM as a DistillEngine: a transformers.js text-generation model answering in a worker.
// The worker is a second instance of embed.worker.ts — the same bundle (ONNX Runtime ships once), but its own
// thread, so a long answer never holds up the embeddings a search needs meanwhile.
import { EngineError, type DistillEngine } from '../core/distill';
import type { GeneratorSpec, WorkerRequest, WorkerResponse } from './embedding/protocol';

export interface GenerationProgress {
  /** `load`: model files downloading/initialising (bytes); `generate`: new tokens of the current answer. */
  phase: 'load' | 'generate';
  done: number;
  total: number;
  file?: string;
  /** The answer so far, during `generate`. */
  text?: string;
}

export interface GeneratorInfo {
  modelType: string;
  /** Whether the tokenizer has a chat template (instruct models): prompts go in as a user turn. */
  chat: boolean;
}

interface Pending {
  resolve: (value: WorkerResponse) => void;
  reject: (error: Error) => void;
  onProgress?: (p: GenerationProgress) => void;
}

let sharedWorker: Worker | undefined;
let nextRequestId = 1;
const pending = new Map<number, Pending>();

function worker(): Worker {
  if (!sharedWorker) {
    sharedWorker = new Worker(new URL('./embedding/embed.worker.ts', import.meta.url), { type: 'module', name: 'generator' });
    sharedWorker.onmessage = (event: MessageEvent<WorkerResponse>) => {
      const message = event.data;
      const entry = pending.get(message.requestId);
      if (!entry) return;
      if (message.type === 'progress') {
        entry.onProgress?.({ phase: 'load', done: message.done, total: message.total, file: message.file });
        return;
      }
      if (message.type === 'tokens') {
        entry.onProgress?.({ phase: 'generate', done: message.done, total: message.total, text: message.text });
        return;
      }
      pending.delete(message.requestId);
      if (message.type === 'error') {
        entry.reject(message.cancelled ? new EngineError('aborted', 'generation was cancelled') : new EngineError('bad-response', message.message));
      } else entry.resolve(message);
    };
    sharedWorker.onerror = (event) => {
      const error = new EngineError('connection', `in-browser model worker failed: ${event.message || 'could not start'}`);
      for (const entry of pending.values()) entry.reject(error);
      pending.clear();
    };
  }
  return sharedWorker;
}

type Unsent<T> = T extends unknown ? Omit<T, 'requestId'> : never;

function request(
  message: Unsent<Extract<WorkerRequest, { type: 'load-generator' | 'generate' }>>,
  onProgress?: (p: GenerationProgress) => void,
  signal?: AbortSignal,
): Promise<WorkerResponse> {
  if (signal?.aborted) return Promise.reject(new EngineError('aborted', 'generation was cancelled'));
  const requestId = nextRequestId++;
  return new Promise((resolve, reject) => {
    pending.set(requestId, { resolve, reject, onProgress });
    // The worker stops before its next token; the caller need not wait for that.
    signal?.addEventListener(
      'abort',
      () => {
        worker().postMessage({ type: 'cancel', requestId } satisfies WorkerRequest);
        if (pending.delete(requestId)) reject(new EngineError('aborted', 'generation was cancelled'));
      },
      { once: true },
    );
    worker().postMessage({ ...message, requestId } as WorkerRequest);
  });
}

/** Loads (and, when spec.allowRemote, downloads) a text-generation model in the worker. */
export async function loadGenerator(spec: GeneratorSpec, onProgress?: (p: GenerationProgress) => void, signal?: AbortSignal): Promise<GeneratorInfo> {
  const answer = await request({ type: 'load-generator', model: spec }, onProgress, signal);
  if (answer.type !== 'generator-loaded') throw new EngineError('bad-response', 'in-browser model worker answered out of order');
  return { modelType: answer.modelType, chat: answer.chat };
}

export interface BrowserEngineOptions {
  /** Cap on each answer; the prompts ask for a few sentences of JSON, well under the default. */
  maxNewTokens?: number;
}

/**
 * A DistillEngine on a text-generation model already in the browser (downloaded or imported before: this never
 * reaches the network). `onProgress` reports the model loading, then every answer's tokens as they come.
 */
export async function loadBrowserEngine(
  spec: GeneratorSpec,
  onProgress?: (p: GenerationProgress) => void,
  options: BrowserEngineOptions = {},
): Promise<DistillEngine> {
  const offline: GeneratorSpec = { ...spec, allowRemote: false };
  await loadGenerator(offline, onProgress);
  const maxNewTokens = options.maxNewTokens ?? 768;
  return {
    distiller: `llm:${spec.id}`,
    async complete(prompt, { signal } = {}) {
      const answer = await request({ type: 'generate', model: offline, prompt, maxNewTokens }, onProgress, signal);
      if (answer.type !== 'generated') throw new EngineError('bad-response', 'in-browser model worker answered out of order');
      if (!answer.text) throw new EngineError('bad-response', `${spec.id} produced an empty answer`);
      return answer.text;
    },
  };
}
