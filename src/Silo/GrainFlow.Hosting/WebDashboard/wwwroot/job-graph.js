// The job's vertex graph as inline SVG: one box per vertex in columns by distance from the
// sources (plan.nodes[].inputs are the edges), each edge labelled with its ship strategy.
import { svg } from './dom.js';

const BOX_WIDTH = 220, BOX_HEIGHT = 84, COLUMN_GAP = 90, ROW_GAP = 28, MARGIN = 16;

/** Column of each node: 0 for sources, else one past its furthest input. */
function columns(nodes) {
  const byId = new Map(nodes.map(node => [node.id, node]));
  const column = new Map();
  const visit = (node, path) => {
    if (column.has(node.id)) return column.get(node.id);
    // A cycle cannot come from a job graph; guard anyway so a bad reply cannot hang the page.
    if (path.has(node.id)) return 0;
    path.add(node.id);
    const inputs = (node.inputs ?? []).map(input => byId.get(input.id)).filter(Boolean);
    const value = inputs.length === 0 ? 0 : 1 + Math.max(...inputs.map(input => visit(input, path)));
    column.set(node.id, value);
    return value;
  };
  nodes.forEach(node => visit(node, new Set()));
  return column;
}

function layout(nodes) {
  const column = columns(nodes);
  const rows = new Map();
  const position = new Map();
  for (const node of nodes) {
    const c = column.get(node.id);
    const r = rows.get(c) ?? 0;
    rows.set(c, r + 1);
    position.set(node.id, { x: MARGIN + c * (BOX_WIDTH + COLUMN_GAP), y: MARGIN + r * (BOX_HEIGHT + ROW_GAP) });
  }
  const width = MARGIN * 2 + (Math.max(0, ...column.values()) + 1) * (BOX_WIDTH + COLUMN_GAP) - COLUMN_GAP;
  const height = MARGIN * 2 + Math.max(1, ...rows.values()) * (BOX_HEIGHT + ROW_GAP) - ROW_GAP;
  return { position, width, height };
}

function clip(text, length) {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}

/**
 * @param nodes plan.nodes of GET /jobs/:jobid
 * @param describe vertex id → { name, parallelism, recordsIn, recordsOut, pressure } as display text
 */
export function jobGraph(nodes, describe) {
  const { position, width, height } = layout(nodes);
  const edges = nodes.flatMap(node => (node.inputs ?? []).filter(input => position.has(input.id)).map(input => {
    const from = position.get(input.id), to = position.get(node.id);
    const x1 = from.x + BOX_WIDTH, y1 = from.y + BOX_HEIGHT / 2, x2 = to.x, y2 = to.y + BOX_HEIGHT / 2;
    const bend = (x2 - x1) / 2;
    return svg('g', { class: 'edge' },
      svg('path', { d: `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`, 'marker-end': 'url(#arrow)' }),
      svg('text', { x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 6, 'text-anchor': 'middle' }, input.ship_strategy ?? ''));
  }));
  const boxes = nodes.map(node => {
    const { x, y } = position.get(node.id);
    const vertex = describe(node.id);
    return svg('g', { class: `vertex pressure-${vertex.pressure ?? 'none'}`, 'data-vertex': node.id, transform: `translate(${x},${y})` },
      svg('title', {}, vertex.name),
      svg('rect', { width: BOX_WIDTH, height: BOX_HEIGHT, rx: 6 }),
      svg('text', { x: 10, y: 20, class: 'vertex-name' }, clip(vertex.name, 30)),
      svg('text', { x: 10, y: 40 }, `Parallelism: ${vertex.parallelism}`),
      svg('text', { x: 10, y: 58 }, `Records in: ${vertex.recordsIn}  out: ${vertex.recordsOut}`),
      svg('text', { x: 10, y: 76 }, `Back pressure: ${vertex.pressure ? vertex.pressure.toUpperCase() : '–'}`));
  });
  return svg('svg', { class: 'graph', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'Job graph' },
    svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto' },
      svg('path', { d: 'M0,0 L10,5 L0,10 z' }))),
    edges, boxes);
}
