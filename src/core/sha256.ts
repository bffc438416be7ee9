// SHA-256, synchronous: @noble/hashes (audited, no dependencies). For the many small inputs of an import (one content
// hash per memory), WebCrypto's digest is a promise round trip to another thread per call, which for 10k memories
// measured ~10× the hashing itself; large inputs (a whole file's checksum) still go to WebCrypto.
// Replaced our own implementation at the same speed: 10k content hashes (293 B each) in 34–40 ms vs 38–41 ms (Node 20,
// best of 15 runs, three rounds); see docs/benchmarks.md.
export { sha256 } from '@noble/hashes/sha2.js';
export { bytesToHex as toHex } from '@noble/hashes/utils.js';
