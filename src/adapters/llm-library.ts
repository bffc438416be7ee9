// Text-generation models for the in-browser LLM engine: an explicit download from a Hub (or a host the user names),
// or a model folder imported from disk. Both end up in transformers.js' browser cache, so later loads are offline.
// Same rules as model-library.ts for embedding models; a separate list, because a generator is not an embedder.
import type { GeneratorSpec } from './embedding/protocol';
import { loadGenerator, type GenerationProgress } from './llm-engine';
import { DEFAULT_HUB, ModelImportError } from './model-library';

const CACHE_NAME = 'transformers-cache';
const INSTALLED_KEY = 'insight-pool:installed-generators';
const ID = /^[\w.-]+\/[\w.-]+$/;

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
  const id = request.id.trim();
  if (!ID.test(id)) throw new ModelImportError(`model id must look like "owner/name", got "${request.id}"`);
  let host = (request.host || DEFAULT_HUB).trim();
  if (!/^https?:\/\//.test(host)) throw new ModelImportError(`download host must be an http(s) URL, got "${host}"`);
  if (!host.endsWith('/')) host += '/';
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

const REQUIRED = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

/**
 * Imports a transformers.js text-generation folder chosen from disk (config.json, tokenizer files,
 * onnx/decoder_model_merged[_quantized].onnx): the files go into the browser cache under our own /models/<id>/ URLs.
 */
export async function importGeneratorFolder(
  files: { path: string; file: Blob }[],
  options: { id?: string } = {},
  onProgress?: (p: GenerationProgress) => void,
): Promise<InstalledGenerator> {
  if (files.length === 0) throw new ModelImportError('the folder is empty');
  const root = files[0].path.includes('/') ? files[0].path.split('/')[0] : '';
  const relative = files.map(({ path, file }) => ({ path: root && path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path, file }));
  const names = new Set(relative.map((f) => f.path));
  const missing = REQUIRED.filter((r) => !names.has(r));
  if (missing.length) throw new ModelImportError(`not a transformers.js model folder: missing ${missing.join(', ')}`);
  const quantized = !names.has('onnx/decoder_model_merged.onnx');
  if (quantized && !names.has('onnx/decoder_model_merged_quantized.onnx')) {
    throw new ModelImportError(
      'not a transformers.js text-generation folder: missing onnx/decoder_model_merged.onnx (or onnx/decoder_model_merged_quantized.onnx)',
    );
  }
  try {
    JSON.parse(await relative.find((f) => f.path === 'config.json')!.file.text());
  } catch (error) {
    throw new ModelImportError(`config.json is not valid JSON: ${(error as Error).message}`);
  }
  const id = (options.id ?? `local/${root || 'generator'}`).trim();
  if (!ID.test(id)) throw new ModelImportError(`model id must look like "owner/name", got "${id}"`);
  const cache = await caches.open(CACHE_NAME);
  const base = new URL(`models/${id}/`, new URL(import.meta.env.BASE_URL, location.origin));
  for (const { path, file } of relative) {
    await cache.put(new URL(path, base).href, new Response(file, { headers: { 'content-length': String(file.size) } }));
  }
  try {
    const info = await loadGenerator({ id, quantized }, onProgress);
    const model: InstalledGenerator = {
      id,
      label: `${id} (imported)`,
      quantized,
      source: 'imported',
      sizeBytes: relative.reduce((sum, f) => sum + f.file.size, 0),
      ...info,
    };
    remember(model);
    return model;
  } catch (error) {
    // A folder that does not load must not linger in the cache as if it were a model.
    await Promise.all(relative.map(({ path }) => cache.delete(new URL(path, base).href)));
    throw new ModelImportError(`the model folder did not load: ${(error as Error).message}`);
  }
}
