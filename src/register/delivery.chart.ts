/**
 * How each member delivers its services, counted by delivery mode: drawn as horizontal stacked bars
 * (inline SVG built here, no user text unescaped) and given as a table of the same numbers.
 */
import type { Matrix } from './register.service.ts';
import { DELIVERY_MODES, type DeliveryMode } from './register.types.ts';

const MODE_COLOURS: Record<DeliveryMode, string> = {
  retained: '#505a5f',
  shared_venture: '#1d70b8',
  lead_authority: '#00703c',
  outsourced: '#d4351c',
  devolved_parish: '#912b88',
  joint_team: '#b1550e',
};

const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

export interface DeliveryChart {
  modes: Array<{ mode: DeliveryMode; label: string; colour: string }>;
  rows: Array<{ member: string; counts: Record<DeliveryMode, number>; total: number; hidden: boolean }>;
  svg: string;
}

export function deliveryChart(matrix: Matrix): DeliveryChart {
  const modes = (Object.keys(DELIVERY_MODES) as DeliveryMode[]).map((mode) => ({
    mode,
    label: DELIVERY_MODES[mode],
    colour: MODE_COLOURS[mode],
  }));
  const rows = matrix.members.map((member, col) => {
    const counts = Object.fromEntries(modes.map((m) => [m.mode, 0])) as Record<DeliveryMode, number>;
    let hidden = false;
    for (const row of matrix.cells) {
      const cell = row[col]!;
      if (cell.arrangement === undefined) hidden = true;
      else if (cell.arrangement) counts[cell.arrangement.mode] += 1;
    }
    return {
      member: member.shortName,
      counts,
      total: Object.values(counts).reduce((a, b) => a + b, 0),
      hidden,
    };
  });
  const max = Math.max(1, ...rows.map((r) => r.total));
  const labelWidth = 190;
  const barWidth = 460;
  const rowHeight = 28;
  const height = rows.length * rowHeight + 10;
  const bars = rows
    .map((row, i) => {
      let x = labelWidth;
      const y = i * rowHeight + 5;
      const segments = modes
        .filter((m) => row.counts[m.mode] > 0)
        .map((m) => {
          const width = (row.counts[m.mode] / max) * barWidth;
          const rect = `<rect x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="20" fill="${m.colour}"><title>${escapeXml(`${row.member}: ${row.counts[m.mode]} ${m.label.toLowerCase()}`)}</title></rect>`;
          x += width;
          return rect;
        })
        .join('');
      const label = `<text x="${labelWidth - 8}" y="${y + 15}" text-anchor="end" font-size="14" fill="#0b0c0c">${escapeXml(row.member)}</text>`;
      const total = `<text x="${(x + 6).toFixed(1)}" y="${y + 15}" font-size="14" fill="#0b0c0c">${row.hidden ? 'not visible' : row.total}</text>`;
      return label + segments + total;
    })
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${labelWidth + barWidth + 90} ${height}" width="100%" ` +
    `role="img" aria-labelledby="delivery-chart-title" focusable="false"><title id="delivery-chart-title">` +
    `Services by delivery mode for each member; the same numbers are in the table below</title>${bars}</svg>`;
  return { modes, rows, svg };
}
