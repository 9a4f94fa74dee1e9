// How figures from the API are shown. Every formatter shows "–" for a figure the API did not give.

export const ABSENT = '–';

const present = value => value !== null && value !== undefined && !(typeof value === 'number' && Number.isNaN(value));

/** Milliseconds as "850 ms", "12.3 s", "4m 05s", "2h 07m", "3d 04h". */
export function duration(ms) {
  if (!present(ms) || ms < 0) return ABSENT;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const s = Math.floor(seconds) % 60, m = Math.floor(seconds / 60) % 60, hours = Math.floor(seconds / 3600) % 24, d = Math.floor(seconds / 86400);
  const pad = n => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${pad(hours)}h`;
  if (hours > 0) return `${hours}h ${pad(m)}m`;
  return `${m}m ${pad(s)}s`;
}

/** Bytes as "512 B", "1.5 KiB", "20.0 MiB". */
export function bytes(value) {
  if (!present(value) || value < 0) return ABSENT;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let amount = value, unit = 0;
  while (amount >= 1024 && unit < units.length - 1) { amount /= 1024; unit++; }
  return unit === 0 ? `${amount} B` : `${amount.toFixed(1)} ${units[unit]}`;
}

/** Epoch milliseconds as local "2026-12-03 11:52:46"; 0 and -1 (Flink's "never") show as absent. */
export function timestamp(ms) {
  if (!present(ms) || ms <= 0) return ABSENT;
  const t = new Date(ms);
  const pad = n => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
}

/** A count with thousands separators. */
export function count(value) {
  return present(value) ? Number(value).toLocaleString('en-US') : ABSENT;
}

/** Any other value as text. */
export function text(value) {
  return present(value) && value !== '' ? String(value) : ABSENT;
}
