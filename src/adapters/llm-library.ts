// Text-generation models for the in-browser LLM engine: an explicit download from a Hub (or a host the user names),
// or a model folder imported from disk. Both end up in transformers.js' browser cache, so later loads are offline.
// Same rules as model-library.ts for embedding models; a separate list, because a generator is not an embedder.
import type { GeneratorSpec } from './embedding/protocol';
import { loadGenerator, type GenerationProgress } from './llm-engine';
import { DEFAULT_HUB, ModelImportError, downloadTarget, importFolder } from './model-library';

const INSTALLED_KEY = 'insight-pool:installed-generators';

export interface InstalledGenerator {
  id: string;
  label: string;
  quantized: boolean;
  /** Where it was downloaded from; the cache is keyed by these URLs, so later loads need the same host. */
  remoteHost?: string;
  source: 'hub' | 'imported';
  modelType: string;
  chat: boolean;
  sizeBytes?: number;
}

export function installedGenerators(): InstalledGenerator[] {
  try {
    const raw = JSON.parse(localStorage.getItem(INSTALLED_KEY) ?? '[]');
    return Array.isArray(raw) ? raw.filter((g) => g && typeof g.id === 'string') : [];
  } catch {
    return [];
  }
}

function remember(model: InstalledGenerator): void {
  const others = installedGenerators().filter((m) => m.id !== model.id);
  localStorage.setItem(INSTALLED_KEY, JSON.stringify([...others, model]));
}

export function generatorSpec(model: InstalledGenerator): GeneratorSpec {
  return { id: model.id, quantized: model.quantized, remoteHost: model.remoteHost };
}

export interface GeneratorDownload {
  id: string;
  /** The Hub or a mirror; requests go only there, and only now. */
  host?: string;
  quantized?: boolean;
}

/** The one place the engine reaches past our origin, and only because the user ticked consent and clicked. */
export async function downloadGenerator(request: GeneratorDownload, onProgress?: (p: GenerationProgress) => void, signal?: AbortSignal): Promise<InstalledGenerator> {
  const { id, host } = downloadTarget(request.id, request.host || DEFAULT_HUB);
  let quantized = request.quantized ?? true;
  const spec: GeneratorSpec = { id, quantized, allowRemote: true, remoteHost: host };
  let info;
  try {
    info = await loadGenerator(spec, onProgress, signal).catch((error: Error) => {
      // Many repos ship only the float weights: take them when the quantized file is absent and nobody insisted.
      if (request.quantized !== undefined || !/decoder_model_merged_quantized\.onnx/.test(error.message)) throw error;
      quantized = false;
      return loadGenerator({ ...spec, quantized }, onProgress, signal);
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new ModelImportError(`could not download "${id}" from ${host}: ${(error as Error).message}`);
  }
  const model: InstalledGenerator = { id, label: `${id} (downloaded)`, quantized, remoteHost: host, source: 'hub', ...info };
  remember(model);
  return model;
}

/**
 * Imports a transformers.js text-generation folder chosen from disk (config.json, tokenizer files,
 * onnx/decoder_model_merged[_quantized].onnx) into the browser cache, as importFolder does for any model.
 */
export async function importGeneratorFolder(
  files: { path: string; file: Blob }[],
  options: { id?: string } = {},
  onProgress?: (p: GenerationProgress) => void,
): Promise<InstalledGenerator> {
  const imported = await importFolder(
    files,
    { id: options.id, weights: 'decoder_model_merged', kind: 'text-generation', fallbackName: 'generator' },
    (id, quantized) => loadGenerator({ id, quantized }, onProgress),
  );
  const { value: info, id, quantized, sizeBytes } = imported;
  const model: InstalledGenerator = { id, label: `${id} (imported)`, quantized, source: 'imported', sizeBytes, ...info };
  remember(model);
  return model;
}
