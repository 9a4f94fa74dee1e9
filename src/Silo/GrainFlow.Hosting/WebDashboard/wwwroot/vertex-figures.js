// What a vertex is doing, in Flink's shapes: records in and out from GET /jobs/:jobid's
// vertices[].metrics (read-records, write-records) and back pressure from
// GET /jobs/:jobid/vertices/:vertexid/backpressure (backpressure-level). Either may be absent; then "–".
import { optional } from './api.js';
import { h } from './dom.js';
import { ABSENT, count } from './format.js';

/** Records received and sent by the vertex's subtasks, or "–" each when the silo does not report them. */
export function records(vertex) {
  const metrics = vertex.metrics ?? {};
  return { in: count(metrics['read-records']), out: count(metrics['write-records']) };
}

/** Back pressure levels ("ok", "low", "high") by vertex id; null for a vertex the API gave none for. */
export async function backPressure(jobId, vertices, running) {
  if (!running) return new Map();
  const levels = await Promise.all(vertices.map(async vertex => {
    const reply = await optional(`jobs/${jobId}/vertices/${vertex.id}/backpressure`);
    return [vertex.id, reply?.['backpressure-level'] ?? null];
  }));
  return new Map(levels);
}

/** A back pressure level as a coloured label. */
export function backPressureLabel(level) {
  return level ? h('span', { class: `pressure pressure-${level}` }, level.toUpperCase()) : ABSENT;
}
