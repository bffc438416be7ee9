#!/usr/bin/env node
// The installed app's icons (web app manifest), rasterized from public/favicon.svg with sharp: 192 and 512 px, plus a
// maskable 512 with the safe-zone padding a launcher may crop. Run again after changing the SVG; the PNGs are committed.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';

const svg = readFileSync(new URL('../public/favicon.svg', import.meta.url));
const out = new URL('../public/icons/', import.meta.url);
mkdirSync(out, { recursive: true });
const BLUE = { r: 0x2b, g: 0x6c, b: 0xb0, alpha: 1 };

for (const size of [192, 512]) {
  writeFileSync(new URL(`icon-${size}.png`, out), await sharp(svg, { density: 384 }).resize(size, size).png().toBuffer());
}
// Maskable: the mark within the central 80% on a full-bleed background.
const inner = await sharp(svg, { density: 384 }).resize(360, 360).png().toBuffer();
writeFileSync(
  new URL('icon-maskable-512.png', out),
  await sharp({ create: { width: 512, height: 512, channels: 4, background: BLUE } }).composite([{ input: inner, gravity: 'center' }]).png().toBuffer(),
);
console.log('icons written to public/icons/');
