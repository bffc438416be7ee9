// The checksum covers the record lines exactly as written: UTF-8 of each line followed by "\n" (a trailing "\r"
// from a CRLF editor is not part of the line). WebCrypto has no incremental digest, so the bytes are kept until the
// end; the size cap bounds that.
import { toHex } from '../sha256';

/** sha256 hex over `line + "\n"` for every line, given each line's UTF-8 bytes. */
export async function sha256OfLines(lines: Uint8Array[]): Promise<string> {
  let total = 0;
  for (const l of lines) total += l.length + 1;
  const all = new Uint8Array(total);
  let o = 0;
  for (const l of lines) {
    all.set(l, o);
    o += l.length;
    all[o++] = 0x0a;
  }
  const digest = await globalThis.crypto.subtle.digest('SHA-256', all);
  return toHex(new Uint8Array(digest));
}
