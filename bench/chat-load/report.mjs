/** The results table: medians with min–max over the repetitions, and ratios to the two references. */

/** Median of numbers (mean of the middle two for an even count), null if none. */
export function median(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Three significant digits with k/M suffixes: 1234 → 1.23k. */
export function short(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e4) return `${trim(value / 1e3)}k`;
  return trim(value);
}

function trim(value) {
  const abs = Math.abs(value);
  if (abs === 0) return '0';
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return Number(value.toFixed(digits)).toString();
}

function cell(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return '–';
  const mid = short(median(finite));
  if (finite.length === 1) return `${mid} (1 run)`;
  const lo = short(Math.min(...finite));
  const hi = short(Math.max(...finite));
  return lo === hi ? mid : `${mid} (${lo}–${hi})`;
}

function ratio(a, b) {
  if (a === null || b === null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0) return '–';
  const r = a / b;
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(2) : r.toFixed(2)}×`;
}

/**
 * Renders a Markdown table. `rows`: `{ section, label, key, ratio? }` (`ratio: false`: no ratio columns); `samples.get(key)?.get(target)`
 * is that row's values for a target; `targets`: `{ key, label }`; ratios are taken against the
 * targets keyed `floorKey` and `limitKey`.
 */
export function renderTable(rows, targets, samples, floorKey, limitKey) {
  const ratioTargets = targets.filter((t) => t.key !== limitKey);
  const header = [
    'Metric',
    ...targets.map((t) => t.label),
    ...ratioTargets.map((t) => (t.key === floorKey ? `${t.label} ÷ ws` : `${t.label} ÷ SIO / ÷ ws`)),
  ];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((_, i) => (i === 0 ? ':---' : '---:')).join('|')}|`];
  let section;
  for (const row of rows) {
    const byTarget = samples.get(row.key);
    if (byTarget === undefined) continue;
    if (row.section !== section) {
      section = row.section;
      lines.push(`| **${section}** |${' |'.repeat(header.length - 1)}`);
    }
    const medians = new Map(targets.map((t) => [t.key, median(byTarget.get(t.key) ?? [])]));
    const ratios = ratioTargets.map((t) => {
      if (row.ratio === false) return '';
      const own = medians.get(t.key);
      if (t.key === floorKey) return ratio(own, medians.get(limitKey));
      return `${ratio(own, medians.get(floorKey))} / ${ratio(own, medians.get(limitKey))}`;
    });
    lines.push(`| ${row.label} | ${targets.map((t) => cell(byTarget.get(t.key) ?? [])).join(' | ')} | ${ratios.join(' | ')} |`);
  }
  return lines.join('\n');
}
