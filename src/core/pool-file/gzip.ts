// gzip through the platform (CompressionStream in browsers and Node 20) — no hand-written deflate.
import { concatBytes } from './bytes';

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export function gzipStream(input: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return input.pipeThrough(new CompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
}

export function gunzipStream(input: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return input.pipeThrough(new DecompressionStream('gzip') as unknown as TransformStream<Uint8Array, Uint8Array>);
}

export async function gzipBytes(data: Uint8Array | string): Promise<Uint8Array> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return collect(gzipStream(new Blob([bytes as BlobPart]).stream()));
}

export async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
  }
  return concatBytes(chunks);
}
