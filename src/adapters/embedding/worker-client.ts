// Promise requests to one instance of embed.worker.ts: request ids, progress messages, cancel, and a worker that
// fails to start. The embedder and the in-browser LLM engine each own one instance and differ only in their errors.
import type { WorkerRequest, WorkerResponse } from './protocol';

type Unsent<T> = T extends unknown ? Omit<T, 'requestId'> : never;
export type OutgoingRequest = Unsent<Exclude<WorkerRequest, { type: 'cancel' }>>;
/** Messages that report progress on a request rather than finish it. */
export type ProgressMessage = Extract<WorkerResponse, { type: 'progress' | 'tokens' }>;

export interface WorkerClientOptions {
  /** Shown in devtools. */
  name: string;
  cancelled: () => Error;
  /** The worker answered a request with an error. */
  failed: (message: string) => Error;
  /** The worker itself failed (could not start, crashed): every pending request gets this. */
  crashed: (detail: string) => Error;
  /** Reject at once when the caller aborts, instead of when the worker reports that it stopped. */
  rejectOnAbort?: boolean;
}

interface Pending {
  resolve: (value: WorkerResponse) => void;
  reject: (error: Error) => void;
  onProgress?: (message: ProgressMessage) => void;
}

export type WorkerClient = (
  message: OutgoingRequest,
  onProgress?: (message: ProgressMessage) => void,
  signal?: AbortSignal,
) => Promise<WorkerResponse>;

/** The worker starts on the first request. */
export function workerClient(options: WorkerClientOptions): WorkerClient {
  let instance: Worker | undefined;
  let nextRequestId = 1;
  const pending = new Map<number, Pending>();

  function worker(): Worker {
    if (!instance) {
      instance = new Worker(new URL('./embed.worker.ts', import.meta.url), { type: 'module', name: options.name });
      instance.onmessage = (event: MessageEvent<WorkerResponse>) => {
        const message = event.data;
        const entry = pending.get(message.requestId);
        if (!entry) return;
        if (message.type === 'progress' || message.type === 'tokens') {
          entry.onProgress?.(message);
          return;
        }
        pending.delete(message.requestId);
        if (message.type === 'error') entry.reject(message.cancelled ? options.cancelled() : options.failed(message.message));
        else entry.resolve(message);
      };
      instance.onerror = (event) => {
        const error = options.crashed(event.message || 'could not start');
        for (const entry of pending.values()) entry.reject(error);
        pending.clear();
      };
    }
    return instance;
  }

  return (message, onProgress, signal) => {
    if (signal?.aborted) return Promise.reject(options.cancelled());
    const requestId = nextRequestId++;
    return new Promise((resolve, reject) => {
      pending.set(requestId, { resolve, reject, onProgress });
      signal?.addEventListener(
        'abort',
        () => {
          worker().postMessage({ type: 'cancel', requestId } satisfies WorkerRequest);
          if (options.rejectOnAbort && pending.delete(requestId)) reject(options.cancelled());
        },
        { once: true },
      );
      worker().postMessage({ ...message, requestId } as WorkerRequest);
    });
  };
}
