// Models beyond the embedded default: explicit downloads from a Hub (or a host the user names) and model folders
// imported from disk. Both end up in transformers.js' own browser cache, so later loads work offline.
import { FINGERPRINT_FILE, getModel, registerModel, type ModelInfo } from '../core/models';
import type { EmbedProgress, Embedder } from '../core/embedder';
import { loadWorkerEmbedder } from './embedding/worker-embedder';
import type { ModelSpec } from './embedding/protocol';

/** transformers.js' Cache API bucket; it looks files up by their local URL first, then by their remote URL. */
const CACHE_NAME = 'transformers-cache';
const INSTALLED_KEY = 'insight-pool:installed-models';
export const DEFAULT_HUB = 'https://huggingface.co/';

export interface InstalledModel extends ModelInfo {
  /** Where it was downloaded from; the cache is keyed by these URLs, so later loads need the same host. */
  remoteHost?: string;
}

export class ModelImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelImportError';
  }
}

export function installedModels(): InstalledModel[] {
  try {
    const raw = JSON.parse(localStorage.getItem(INSTALLED_KEY) ?? '[]');
    return Array.isArray(raw) ? raw : [];
  } catch {
    return [];
  }
}

function remember(model: InstalledModel): void {
  const others = installedModels().filter((m) => m.id !== model.id);
  localStorage.setItem(INSTALLED_KEY, JSON.stringify([...others, model]));
  registerModel(model);
}

/** Makes downloaded and imported models known to the registry (call before opening the pool). */
export function registerInstalledModels(): void {
  for (const m of installedModels()) registerModel(m);
}

export function specFor(model: ModelInfo | InstalledModel): ModelSpec {
  return {
    id: model.id,
    pooling: model.pooling,
    normalize: model.normalize,
    sentenceOutput: model.sentenceOutput,
    quantized: model.quantized,
    engine: 'engine' in model ? model.engine : undefined,
    remoteHost: 'remoteHost' in model ? model.remoteHost : undefined,
  };
}

/** Loads a registered (embedded, installed) model from our origin or the cache; never touches the network. */
export function loadModel(id: string, onProgress?: (p: EmbedProgress) => void): Promise<Embedder> {
  return loadWorkerEmbedder(specFor(getModel(id)), onProgress);
}

export interface DownloadRequest {
  id: string;
  /** The Hub or a mirror; requests go only there, and only now. */
  host?: string;
  pooling?: 'mean' | 'cls';
  quantized?: boolean;
}

/** The one place the app reaches past its own origin, and only because the user clicked "Download". */
export async function downloadModel(request: DownloadRequest, onProgress?: (p: EmbedProgress) => void): Promise<Embedder> {
  const { id, host } = downloadTarget(request.id, request.host ?? DEFAULT_HUB);
  let known: ModelInfo | undefined;
  try {
    known = getModel(id);
  } catch {
    known = undefined;
  }
  const pooling = request.pooling ?? known?.pooling ?? 'mean';
  let quantized = request.quantized ?? known?.quantized ?? true;
  let embedder: Embedder;
  try {
    const spec: ModelSpec = { id, pooling, normalize: true, quantized, allowRemote: true, remoteHost: host };
    embedder = await loadWorkerEmbedder(spec, onProgress).catch((error: Error) => {
      // Many repos ship only the float weights: take them when the quantized file is absent and nobody insisted.
      if (request.quantized !== undefined || !quantized || !/model_quantized\.onnx/.test(error.message)) throw error;
      quantized = false;
      return loadWorkerEmbedder({ ...spec, quantized }, onProgress);
    });
  } catch (error) {
    throw new ModelImportError(`could not download "${id}" from ${host}: ${(error as Error).message}`);
  }
  remember({
    ...(known ?? { label: `${id} (downloaded)`, maxTokens: 512, sizeBytes: 0, license: 'see model card' }),
    id,
    dims: embedder.dims,
    pooling,
    normalize: true,
    quantized,
    source: 'hub',
    origin: `${host}${id}`,
    remoteHost: host,
  });
  return embedder;
}

const MODEL_ID = /^[\w.-]+\/[\w.-]+$/;

/** Checks what a download goes to: an `owner/name` model id and an http(s) host (returned ending in `/`). */
export function downloadTarget(rawId: string, rawHost: string): { id: string; host: string } {
  const id = rawId.trim();
  if (!MODEL_ID.test(id)) throw new ModelImportError(`model id must look like "owner/name", got "${rawId}"`);
  let host = rawHost.trim();
  if (!/^https?:\/\//.test(host)) throw new ModelImportError(`download host must be an http(s) URL, got "${host}"`);
  if (!host.endsWith('/')) host += '/';
  return { id, host };
}

const REQUIRED = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];

export interface FolderImport<T> {
  value: T;
  id: string;
  quantized: boolean;
  /** The chosen folder's name. */
  root: string;
  sizeBytes: number;
}

/**
 * Imports a transformers.js model folder chosen from disk (config.json, tokenizer files, onnx/<weights>[_quantized].onnx):
 * the files go into the browser cache under our own /models/<id>/ URLs, as if served locally, then `load` must
 * succeed — a folder that does not load is taken out of the cache again. Embedding models and generators share it.
 */
export async function importFolder<T>(
  files: { path: string; file: Blob }[],
  options: { id?: string; weights: string; kind: string; fallbackName: string },
  load: (id: string, quantized: boolean) => Promise<T>,
): Promise<FolderImport<T>> {
  if (files.length === 0) throw new ModelImportError('the folder is empty');
  // Paths arrive as "folder/onnx/model.onnx"; the model's own files start below the chosen folder.
  const root = files[0].path.includes('/') ? files[0].path.split('/')[0] : '';
  const relative = files.map(({ path, file }) => ({ path: root && path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path, file }));
  const names = new Set(relative.map((f) => f.path));
  const missing = REQUIRED.filter((r) => !names.has(r));
  if (missing.length) throw new ModelImportError(`not a transformers.js model folder: missing ${missing.join(', ')}`);
  const quantized = !names.has(`onnx/${options.weights}.onnx`);
  if (quantized && !names.has(`onnx/${options.weights}_quantized.onnx`)) {
    throw new ModelImportError(
      `not a transformers.js ${options.kind} folder: missing onnx/${options.weights}.onnx (or onnx/${options.weights}_quantized.onnx)`,
    );
  }
  try {
    JSON.parse(await relative.find((f) => f.path === 'config.json')!.file.text());
  } catch (error) {
    throw new ModelImportError(`config.json is not valid JSON: ${(error as Error).message}`);
  }
  const id = (options.id ?? `local/${root || options.fallbackName}`).trim();
  if (!MODEL_ID.test(id)) throw new ModelImportError(`model id must look like "owner/name", got "${id}"`);
  const cache = await caches.open(CACHE_NAME);
  const base = new URL(`models/${id}/`, new URL(import.meta.env.BASE_URL, location.origin));
  for (const { path, file } of relative) {
    await cache.put(new URL(path, base).href, new Response(file, { headers: { 'content-length': String(file.size) } }));
  }
  try {
    const value = await load(id, quantized);
    return { value, id, quantized, root, sizeBytes: relative.reduce((sum, f) => sum + f.file.size, 0) };
  } catch (error) {
    // A folder that does not load must not linger in the cache as if it were a model.
    await Promise.all(relative.map(({ path }) => cache.delete(new URL(path, base).href)));
    throw new ModelImportError(`the model folder did not load: ${(error as Error).message}`);
  }
}

/** Imports an embedding model folder from disk (see importFolder) and makes it known to the registry. */
export async function importModelFolder(
  files: { path: string; file: Blob }[],
  options: { id?: string; pooling?: 'mean' | 'cls' } = {},
  onProgress?: (p: EmbedProgress) => void,
): Promise<Embedder> {
  const pooling = options.pooling ?? 'mean';
  const imported = await importFolder(files, { id: options.id, weights: 'model', kind: 'model', fallbackName: 'model' }, (id, quantized) =>
    loadWorkerEmbedder({ id, pooling, normalize: true, quantized }, onProgress),
  );
  const { value: embedder, id, quantized, root, sizeBytes } = imported;
  remember({
    id,
    label: `${id} (imported)`,
    dims: embedder.dims,
    pooling,
    normalize: true,
    quantized,
    maxTokens: 512,
    sizeBytes,
    license: 'see the model folder',
    source: 'imported',
    origin: `imported from disk (${root || 'folder'})`,
  });
  return embedder;
}

const fingerprints = new Map<string, Promise<string>>();

/**
 * Fingerprint of a model's files, for pool-file headers: the embedded model ships one (fingerprint.json, written by
 * scripts/build-model.mjs); other models have none and are matched by id and dims alone.
 */
export function modelFingerprint(id: string): Promise<string> {
  let found = fingerprints.get(id);
  if (!found) {
    let model: ModelInfo | undefined;
    try {
      model = getModel(id);
    } catch {
      model = undefined;
    }
    // Same value the Node embedder reports: the fingerprint of the weights file actually loaded.
    const weights = `onnx/${model?.quantized ? 'model_quantized' : 'model'}.onnx`;
    found =
      model?.source === 'embedded'
        ? fetch(new URL(`models/${id}/${FINGERPRINT_FILE}`, new URL(import.meta.env.BASE_URL, location.origin)))
            .then((r) => (r.ok ? r.json() : {}))
            .then((f: { fingerprint?: string; fingerprints?: Record<string, string> }) => f.fingerprints?.[weights] ?? f.fingerprint ?? '')
            .catch(() => '')
        : Promise.resolve('');
    fingerprints.set(id, found);
  }
  return found;
}
