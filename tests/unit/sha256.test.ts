// contentHash decides which memories are exact duplicates, across the app, the CLI and pool files written by earlier
// versions: the JS SHA-256 must give WebCrypto's digest byte for byte, at every padding boundary.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sha256, toHex } from '../../src/core/sha256';
import { contentHash } from '../../src/core/memory';

async function webCrypto(bytes: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource)));
}

describe('sha256', () => {
  it('matches the FIPS 180-2 test vectors', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    expect(toHex(sha256(enc('')))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(sha256(enc('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(toHex(sha256(enc('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('equals WebCrypto on every length around the block and padding boundaries', async () => {
    for (let n = 0; n <= 200; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n * 7) & 255);
      expect(toHex(sha256(bytes))).toBe(await webCrypto(bytes));
    }
  });

  it('equals WebCrypto on random inputs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), async (bytes) => {
        expect(toHex(sha256(bytes))).toBe(await webCrypto(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('gives contentHash the value earlier versions stored (sha256 of the canonical JSON)', async () => {
    const memory = { level: 'insight' as const, title: ' Reproduce first ', description: 'd', content: 'Ünïcode ✓ content' };
    const canonical = JSON.stringify(['insight', 'Reproduce first', 'd', 'Ünïcode ✓ content']);
    expect(await contentHash(memory)).toBe(await webCrypto(new TextEncoder().encode(canonical)));
  });
});
