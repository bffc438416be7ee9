// Canvas drawing of the pool map: one path per colour and shape, so 10k points cost a handful of fill calls
// (measured in the bench: "map draw, 10k points"). Hit-testing is a linear scan — ~10k distance checks per mouse move.
import type { Level } from '../core/memory';

export type Shape = 'circle' | 'square' | 'triangle' | 'diamond';
export const LEVEL_SHAPE: Record<Level, Shape> = { trajectory: 'square', workflow: 'triangle', summary: 'diamond', insight: 'circle' };
/** Tableau 10: distinguishable, and readable for the common colour-vision deficiencies. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
export const OTHER_COLOR = '#555555';

export interface DrawnPoint {
  /** CSS pixels within the canvas. */
  x: number;
  y: number;
  color: string;
  shape: Shape;
}

function trace(ctx: CanvasRenderingContext2D, shape: Shape, x: number, y: number, r: number) {
  switch (shape) {
    case 'circle':
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      return;
    case 'square':
      ctx.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
      return;
    case 'triangle':
      ctx.moveTo(x, y - r * 1.15);
      ctx.lineTo(x + r, y + r * 0.75);
      ctx.lineTo(x - r, y + r * 0.75);
      ctx.closePath();
      return;
    case 'diamond':
      ctx.moveTo(x, y - r * 1.2);
      ctx.lineTo(x + r, y);
      ctx.lineTo(x, y + r * 1.2);
      ctx.lineTo(x - r, y);
      ctx.closePath();
  }
}

/** Clears the canvas and draws the points. The context is in CSS pixels. */
export function drawPoints(ctx: CanvasRenderingContext2D, points: readonly DrawnPoint[], width: number, height: number, radius: number): void {
  ctx.clearRect(0, 0, width, height);
  const groups = new Map<string, DrawnPoint[]>();
  for (const p of points) {
    const key = `${p.color}|${p.shape}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(p);
  }
  ctx.globalAlpha = points.length > 2_000 ? 0.6 : 0.85;
  for (const g of groups.values()) {
    ctx.beginPath();
    for (const p of g) trace(ctx, p.shape, p.x, p.y, radius);
    ctx.fillStyle = g[0].color;
    ctx.fill();
  }
  ctx.globalAlpha = 1;
}

/** Rings one point (the hovered one) on top of what is drawn. */
export function highlightPoint(ctx: CanvasRenderingContext2D, p: DrawnPoint | undefined, radius: number): void {
  if (!p) return;
  ctx.beginPath();
  trace(ctx, p.shape, p.x, p.y, radius + 3);
  ctx.lineWidth = 2;
  ctx.strokeStyle = '#111';
  ctx.stroke();
}

/** Index of the point nearest (x, y) within `maxDistance` CSS pixels, or -1. */
export function nearestPoint(points: readonly { x: number; y: number }[], x: number, y: number, maxDistance: number): number {
  let best = -1;
  let bestD = maxDistance * maxDistance;
  for (let i = 0; i < points.length; i++) {
    const dx = points[i].x - x;
    const dy = points[i].y - y;
    const d = dx * dx + dy * dy;
    if (d <= bestD) [best, bestD] = [i, d];
  }
  return best;
}
