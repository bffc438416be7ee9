// Streams bytes (a File, a fetch body, a Node file stream, gzip or not) into text lines with byte caps, so a
// huge or endless input is stopped early instead of exhausting memory.
import { PoolFileError } from './errors';
import { concatBytes, formatBytes } from './bytes';
import { gunzipStream, isGzip } from './gzip';

export type PoolSource = ReadableStream<Uint8Array> | Blob | Uint8Array | ArrayBuffer | string;

export interface LineLimits {
  /** Cap on bytes read (compressed input and decompressed text each). */
  maxBytes: number;
  /** Cap on one line's length in characters. */
  maxLineChars: number;
}

export interface ReadProgress {
  /** Decompressed bytes read so far. */
  bytes: number;
  /** Size of the input when known (a Blob/File), compressed bytes for .gz. */
  totalBytes?: number;
  records: number;
}

export function toStream(source: PoolSource): { stream: ReadableStream<Uint8Array>; size?: number } {
  if (typeof source === 'string') {
    const bytes = new TextEncoder().encode(source);
    return { stream: new Blob([bytes]).stream(), size: bytes.length };
  }
  if (source instanceof Uint8Array) return { stream: new Blob([source as BlobPart]).stream(), size: source.length };
  if (source instanceof ArrayBuffer) return { stream: new Blob([source]).stream(), size: source.byteLength };
  if (typeof Blob !== 'undefined' && source instanceof Blob) return { stream: source.stream(), size: source.size };
  return { stream: source as ReadableStream<Uint8Array> };
}

/** Counts bytes through a stream and aborts past the cap. */
function capped(stream: ReadableStream<Uint8Array>, maxBytes: number, what: string, onBytes?: (n: number) => void) {
  let seen = 0;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.length;
        if (seen > maxBytes) {
          throw new PoolFileError('too-large', `file is too large: ${what} exceeds the limit of ${formatBytes(maxBytes)}`);
        }
        onBytes?.(seen);
        controller.enqueue(chunk);
      },
    }),
  );
}

/** Peeks at the first chunk to detect gzip by its magic bytes, then returns a stream that still starts with it. */
async function decompressIfGzip(stream: ReadableStream<Uint8Array>): Promise<{ stream: ReadableStream<Uint8Array>; gzip: boolean }> {
  const reader = stream.getReader();
  let first: Uint8Array | undefined;
  // Skip empty chunks so a one-byte first chunk cannot hide the magic.
  while (!first || first.length < 2) {
    const { done, value } = await reader.read();
    if (done) break;
    first = first ? concatBytes([first, value]) : value;
  }
  const head = first;
  const replay = new ReadableStream<Uint8Array>({
    start(controller) {
      if (head && head.length) controller.enqueue(head);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  if (head && isGzip(head)) return { stream: gunzipStream(replay), gzip: true };
  return { stream: replay, gzip: false };
}

export interface Line {
  /** 1-based. */
  number: number;
  text: string;
  /** The line's UTF-8 bytes as read (no "\r\n"), so a checksum needs no second encoding of the text. */
  bytes: Uint8Array;
  /** False only for a last line without a trailing newline. */
  terminated: boolean;
}

/**
 * Yields lines of the (decompressed) input. Errors are PoolFileErrors: bad UTF-8, a gzip stream that ends early
 * (truncated) or is corrupt, caps exceeded.
 */
export async function* readLines(
  source: PoolSource,
  limits: LineLimits,
  onBytes?: (bytes: number, totalBytes?: number) => void,
  signal?: AbortSignal,
): AsyncGenerator<Line> {
  const { stream: raw, size } = toStream(source);
  if (size !== undefined && size > limits.maxBytes) {
    throw new PoolFileError('too-large', `file is too large: ${formatBytes(size)} exceeds the limit of ${formatBytes(limits.maxBytes)}`);
  }
  const { stream: maybeGz, gzip } = await decompressIfGzip(capped(raw, limits.maxBytes, 'the file'));
  const text = capped(maybeGz, limits.maxBytes, gzip ? 'the decompressed content' : 'the file', (n) => onBytes?.(n, size));
  const reader = text.getReader();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let pending = '';
  let pendingBytes: Uint8Array[] = [];
  let lineNo = 0;
  try {
    for (;;) {
      if (signal?.aborted) throw new PoolFileError('aborted', 'import cancelled');
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        throw streamError(error, gzip);
      }
      if (chunk.done) break;
      let decoded: string;
      try {
        decoded = decoder.decode(chunk.value, { stream: true });
      } catch {
        throw new PoolFileError('encoding', `line ${lineNo + 1}: the file is not valid UTF-8 text`, lineNo + 1);
      }
      // A 0x0A byte is always a "\n" in UTF-8 (never part of another character), so the k-th newline of the decoded
      // text is the k-th 0x0A of the chunk, and each line's bytes are cut from the chunk as they arrived.
      const raw = chunk.value;
      let start = 0;
      let byteStart = 0;
      for (let nl = decoded.indexOf('\n'); nl !== -1; nl = decoded.indexOf('\n', start)) {
        const byteNl = raw.indexOf(0x0a, byteStart);
        const piece = pending + decoded.slice(start, nl);
        // A copy: a source may reuse its chunk buffers once read.
        const bytes = concatBytes([...pendingBytes, raw.subarray(byteStart, byteNl)]);
        pending = '';
        pendingBytes = [];
        start = nl + 1;
        byteStart = byteNl + 1;
        lineNo++;
        if (piece.length > limits.maxLineChars) throw lineTooLong(lineNo, limits);
        yield { number: lineNo, text: stripCr(piece), bytes: stripCrBytes(bytes), terminated: true };
      }
      pending += decoded.slice(start);
      if (byteStart < raw.length) pendingBytes.push(raw.slice(byteStart));
      if (pending.length > limits.maxLineChars) throw lineTooLong(lineNo + 1, limits);
    }
    try {
      pending += decoder.decode();
    } catch {
      throw new PoolFileError('truncated', `truncated file: it ends in the middle of a character on line ${lineNo + 1}`, lineNo + 1);
    }
    if (pending.length > 0) yield { number: lineNo + 1, text: stripCr(pending), bytes: stripCrBytes(concatBytes(pendingBytes)), terminated: false };
  } finally {
    reader.cancel().catch(() => undefined);
  }
}

function stripCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

function stripCrBytes(b: Uint8Array): Uint8Array {
  return b.length > 0 && b[b.length - 1] === 0x0d ? b.subarray(0, b.length - 1) : b;
}

function lineTooLong(line: number, limits: LineLimits): PoolFileError {
  return new PoolFileError('line-too-long', `line ${line}: the line is longer than the limit of ${limits.maxLineChars} characters`, line);
}

function streamError(error: unknown, gzip: boolean): Error {
  if (error instanceof PoolFileError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (gzip) {
    if (/unexpected end|end of (file|stream|data)|truncat|incomplete/i.test(message)) {
      return new PoolFileError('truncated', 'truncated file: the gzip data ends early (the download or copy was cut off)');
    }
    return new PoolFileError('gzip', `corrupted gzip data: ${message}`);
  }
  return new PoolFileError('encoding', `could not read the file: ${message}`);
}
