// Pool files: the public surface for the app and the CLI. See docs/pool-format.md.
export { PoolFileError, type PoolFileErrorCode } from './errors';
export { POOL_FORMAT, POOL_VERSION, MAX_DIMS, headerSchema, recordSchema, type PoolFileHeader, type PoolRecord, type ModelRef } from './schema';
export { encodeVector, decodeVector, VECTOR_ENCODINGS, type VectorEncoding } from './vector-codec';
export { encodePoolFile, exportPool, selectForExport, poolFileName, toRecord, type ExportOptions, type EncodedPoolFile } from './writer';
export {
  readPoolFile,
  DEFAULT_READ_LIMITS,
  type ReadOptions,
  type ReadLimits,
  type IncomingBatch,
  type IncomingEntry,
  type PoolFileContents,
} from './reader';
export type { PoolSource, ReadProgress } from './lines';
export { scanText, scanMemory, type InjectionFlag, type InjectionKind } from './injection';
export {
  planMerge,
  inPoolSpace,
  resolveMerge,
  sameModel,
  DEFAULT_NEAR_THRESHOLD,
  MergeCancelledError,
  type MergePlan,
  type MergeOptions,
  type MergeDecisions,
  type ResolvedMerge,
  type PlannedMemory,
  type NearDuplicate,
  type IdConflict,
  type ExistingMemory,
  type PoolModel,
  type NearDecision,
  type ConflictDecision,
} from './merge';
export { detectFormat, readMemoryFile, MEMORY_FILE_FORMATS, type MemoryFileFormat, type ReadMemoryFileOptions } from './detect';
export { gzipBytes, isGzip } from './gzip';
export type { ForeignOptions } from './foreign/common';
export { GIT_FORM, type PoolFileHeaderLine } from './schema';
export { gitFormLines, gitHeader, canonicalRecord, shareableProvenance, stableJson, CONFLICT_MARKER, type JsonObject } from './git-form';
export { readRawPoolFile, type RawPoolFile, type RawRecord } from './raw';
export { threeWayMerge, mergedPoolLines, mergeUsage, describeConflict, type ThreeWayResult, type MergeConflict, type MergedEntry } from './three-way';
export { diffPools, formatPoolDiff, renderPoolText, guardWarning, type PoolDiff, type ChangedMemory } from './diff';
