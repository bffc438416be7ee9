// Model-loading progress, shared between main.ts (which starts the load) and the header.
import type { EmbedProgress } from '../core/embedder';

class LoadProgress {
  done = $state(0);
  total = $state(0);
  file = $state('');
  update(p: EmbedProgress) {
    if (p.phase !== 'load') return;
    this.done = p.done;
    this.total = p.total;
    this.file = p.file ?? '';
  }
}

export const loadProgress = new LoadProgress();
