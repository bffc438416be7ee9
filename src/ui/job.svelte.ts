// One long-running, cancellable task shown with a progress bar (re-embedding, ingest, import).
import type { EmbedProgress } from '../core/embedder';

export class Job {
  label = $state('');
  running = $state(false);
  done = $state(0);
  total = $state(0);
  error = $state('');
  message = $state('');
  private controller: AbortController | null = null;

  /** Runs `task`; a cancel aborts its signal and is reported as a message, not as an error. */
  async run<T>(label: string, task: (signal: AbortSignal, progress: (p: Pick<EmbedProgress, 'done' | 'total'>) => void) => Promise<T>): Promise<T | undefined> {
    if (this.running) throw new Error(`${this.label} is still running`);
    this.controller = new AbortController();
    Object.assign(this, { label, running: true, done: 0, total: 0, error: '', message: '' });
    const signal = this.controller.signal;
    try {
      return await task(signal, (p) => {
        this.done = p.done;
        this.total = p.total;
      });
    } catch (error) {
      if (signal.aborted) this.message = `${label}: cancelled, nothing was changed.`;
      else this.error = (error as Error).message;
      return undefined;
    } finally {
      this.running = false;
      this.controller = null;
    }
  }

  cancel(): void {
    this.controller?.abort();
  }
}
