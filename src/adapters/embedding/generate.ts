// One prompt → one answer through a transformers.js text-generation pipeline, with token progress and cancel.
// Shared by the worker and the Node tests; it only uses the pipeline it is given, so importing it never loads
// transformers.js (or ONNX Runtime) a second time.

/** The parts of a transformers.js TextGenerationPipeline this needs (its published types are loose). */
export interface TextGenerator {
  (input: string | { role: string; content: string }[], options: Record<string, unknown>): Promise<unknown>;
  tokenizer: { chat_template?: unknown; decode(ids: number[], options?: { skip_special_tokens?: boolean }): string };
  model: { forward(inputs: unknown): Promise<unknown>; config?: { model_type?: string } };
}

export class GenerationCancelledError extends Error {
  readonly cancelled = true;
  constructor() {
    super('generation was cancelled');
    this.name = 'GenerationCancelledError';
  }
}

export interface GenerateOptions {
  maxNewTokens: number;
  /** Called after every new token with the count and the answer so far. */
  onTokens?: (count: number, text: string) => void;
  /** Polled before every forward pass. */
  isCancelled?: () => boolean;
}

const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Greedy generation of an answer to `prompt`. Instruct models get it as a user turn through their own chat template;
 * base models (no template) get the raw prompt. Only the new text is returned.
 */
export async function generateText(generator: TextGenerator, prompt: string, options: GenerateOptions): Promise<{ text: string; tokens: number }> {
  const chat = Boolean(generator.tokenizer.chat_template);
  const model = generator.model;
  const forward = model.forward;
  let promptTokens = -1;
  let tokens = 0;
  // ORT runs each step synchronously, so a cancel message would wait for the whole answer; a macrotask before each
  // forward pass lets it in, and the check stops the loop there.
  model.forward = async (inputs: unknown) => {
    await nextTask();
    if (options.isCancelled?.()) throw new GenerationCancelledError();
    return forward.call(model, inputs);
  };
  try {
    const output = await generator(chat ? [{ role: 'user', content: prompt }] : prompt, {
      max_new_tokens: options.maxNewTokens,
      do_sample: false,
      return_full_text: false,
      callback_function: (beams: { output_token_ids: number[] }[]) => {
        const ids = beams[0]?.output_token_ids ?? [];
        if (promptTokens < 0) promptTokens = ids.length - 1; // the first call comes after the first new token
        tokens = ids.length - promptTokens;
        options.onTokens?.(tokens, generator.tokenizer.decode(ids.slice(promptTokens), { skip_special_tokens: true }));
      },
    });
    const first = (Array.isArray(output) ? output[0] : output) as { generated_text?: unknown } | undefined;
    const generated = first?.generated_text;
    const text = Array.isArray(generated) ? String((generated.at(-1) as { content?: unknown })?.content ?? '') : String(generated ?? '');
    return { text: text.trim(), tokens };
  } finally {
    model.forward = forward;
  }
}
