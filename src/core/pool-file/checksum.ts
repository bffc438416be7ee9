// The checksum covers the record lines exactly as written: UTF-8 of each line followed by "\n" (a trailing "\r"
// from a CRLF editor is not part of the line). WebCrypto has no incremental digest, so the bytes are kept until the
// end; the size cap bounds that.

export async function sha256Hex(chunks: Uint8Array[]): Promise<string> {
  let total = 0;
  for (const c of chunks) total += c.length;
  const all = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.length;
  }
  const digest = await globalThis.crypto.subtle.digest('SHA-256', all);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

const encoder = new TextEncoder();

export function lineBytes(line: string): Uint8Array {
  return encoder.encode(line + '\n');
}
