// The in-browser LLM as a DistillEngine: a transformers.js text-generation model answering in a worker.
// The worker is a second instance of embed.worker.ts — the same bundle (ONNX Runtime ships once), but its own
// thread, so a long answer never holds up the embeddings a search needs meanwhile.
import { EngineError, type DistillEngine } from '../core/distill';
import type { GeneratorSpec } from './embedding/protocol';
import { workerClient, type ProgressMessage } from './embedding/worker-client';

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

const request = workerClient({
  name: 'generator',
  cancelled: () => new EngineError('aborted', 'generation was cancelled'),
  failed: (message) => new EngineError('bad-response', message),
  crashed: (detail) => new EngineError('connection', `in-browser model worker failed: ${detail}`),
  // The worker stops before its next token; the caller need not wait for that.
  rejectOnAbort: true,
});

/** The worker's progress messages: model files loading, then the answer's tokens as they come. */
function asGenerationProgress(onProgress?: (p: GenerationProgress) => void) {
  return (
    onProgress &&
    ((m: ProgressMessage) =>
      onProgress(
        m.type === 'progress'
          ? { phase: 'load', done: m.done, total: m.total, file: m.file }
          : { phase: 'generate', done: m.done, total: m.total, text: m.text },
      ))
  );
}

/** Loads (and, when spec.allowRemote, downloads) a text-generation model in the worker. */
export async function loadGenerator(spec: GeneratorSpec, onProgress?: (p: GenerationProgress) => void, signal?: AbortSignal): Promise<GeneratorInfo> {
  const answer = await request({ type: 'load-generator', model: spec }, asGenerationProgress(onProgress), signal);
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
      const answer = await request({ type: 'generate', model: offline, prompt, maxNewTokens }, asGenerationProgress(onProgress), signal);
      if (answer.type !== 'generated') throw new EngineError('bad-response', 'in-browser model worker answered out of order');
      if (!answer.text) throw new EngineError('bad-response', `${spec.id} produced an empty answer`);
      return answer.text;
    },
  };
}
