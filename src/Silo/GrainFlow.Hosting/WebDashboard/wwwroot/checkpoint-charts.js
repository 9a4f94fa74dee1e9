// Line charts of the completed checkpoints in the history: end-to-end duration and size by
// checkpoint id, drawn as inline SVG (no chart library, no network).
import { h, svg } from './dom.js';

const WIDTH = 460, HEIGHT = 180, LEFT = 70, RIGHT = 16, TOP = 16, BOTTOM = 34;

/**
 * @param title chart heading
 * @param points [{ id, value }] in checkpoint order
 * @param format how a value is labelled (duration or bytes)
 */
export function lineChart(title, points, format) {
  if (points.length === 0) return h('figure', { class: 'chart' }, h('figcaption', {}, title), h('p', { class: 'muted' }, 'No completed checkpoint yet.'));
  const ids = points.map(p => p.id), values = points.map(p => p.value);
  const minId = Math.min(...ids), maxId = Math.max(...ids), maxValue = Math.max(...values, 1);
  const x = id => LEFT + (maxId === minId ? (WIDTH - LEFT - RIGHT) / 2 : ((id - minId) / (maxId - minId)) * (WIDTH - LEFT - RIGHT));
  const y = value => TOP + (1 - value / maxValue) * (HEIGHT - TOP - BOTTOM);
  const line = points.map(p => `${x(p.id)},${y(p.value)}`).join(' ');
  const gridValues = [0, maxValue / 2, maxValue];
  return h('figure', { class: 'chart' },
    h('figcaption', {}, title),
    svg('svg', { width: WIDTH, height: HEIGHT, viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': title },
      gridValues.map(v => svg('g', { class: 'grid' },
        svg('line', { x1: LEFT, x2: WIDTH - RIGHT, y1: y(v), y2: y(v) }),
        svg('text', { x: LEFT - 6, y: y(v) + 4, 'text-anchor': 'end' }, format(v)))),
      svg('polyline', { class: 'series', points: line }),
      points.map(p => svg('circle', { class: 'point', cx: x(p.id), cy: y(p.value), r: 3 }, svg('title', {}, `#${p.id}: ${format(p.value)}`))),
      svg('text', { class: 'axis', x: LEFT, y: HEIGHT - 8 }, `#${minId}`),
      svg('text', { class: 'axis', x: WIDTH - RIGHT, y: HEIGHT - 8, 'text-anchor': 'end' }, `#${maxId}`),
      svg('text', { class: 'axis', x: (LEFT + WIDTH - RIGHT) / 2, y: HEIGHT - 8, 'text-anchor': 'middle' }, 'checkpoint id')));
}
