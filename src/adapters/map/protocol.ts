// Messages between the app and the map worker.
import type { Level } from '../../core/memory';
import type { LevelMixing } from '../../core/mixing';
import type { ProjectionProgress } from '../../core/projection';

export interface MapRequest {
  ids: string[];
  levels: Level[];
  domains: string[];
  dims: number;
  /** n × dims values, row by row (transferred, not copied). */
  vectors: Float32Array;
  /** Omitted: the projection's own fixed seed (core/projection.ts), so every map of the same pool is the same. */
  seed?: number;
}

export type MapReply =
  | { type: 'mixing'; mixing: LevelMixing }
  | { type: 'progress'; progress: ProjectionProgress }
  | { type: 'done'; coords: Float32Array; method: 'umap' | 'pca' | 'none'; ms: number }
  | { type: 'error'; message: string };
