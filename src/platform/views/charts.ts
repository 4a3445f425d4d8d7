/**
 * Charts for pages, drawn on the server as SVG by Vega-Lite (compiled to Vega, rendered with the
 * headless "none" renderer: no canvas, no browser, no network). Every chart is an image with a
 * title and a description for assistive technology, in the page's own font, with a legend that
 * shows each colour. A chart never stands alone: the page puts a table of the same numbers and a
 * sentence saying what the chart shows beside it (`summary` gives one to start from).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** The page's font (see styles/app.scss): the system sans-serif stack, never a serif fallback. */
export const CHART_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

const TEXT_COLOUR = '#0b0c0c';
const SECONDARY_TEXT_COLOUR = '#484949';
const BORDER_COLOUR = '#b1b4b6';

export interface ChartSeries {
  key: string;
  label: string;
  /** A colour with at least 3:1 contrast against white (WCAG 1.4.11). */
  colour: string;
}

export interface StackedBarChart {
  /** Unique on the page: the SVG's title and description are referred to by ids made from it. */
  id: string;
  title: string;
  /** What the chart shows, read out with the title (keep it to a sentence or two). */
  description: string;
  /** What each bar is (for example "Member"), and what is counted (for example "Services"). */
  categoryLabel: string;
  valueLabel: string;
  series: ChartSeries[];
  /** One bar per row, in this order; a series missing from a row counts as 0. */
  rows: Array<{ category: string; values: Record<string, number> }>;
}

const escapeXml = (text: string) =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

type LayerSpec = Extract<TopLevelSpec, { layer: unknown }>;

/** What an accessible chart is called and what it says it shows. */
type ChartText = Pick<StackedBarChart, 'id' | 'title' | 'description'>;

/** The look every chart shares: the page's font and text colours, no ARIA from Vega itself. */
const CHART_CONFIG = {
  font: CHART_FONT,
  aria: false,
  view: { stroke: null },
  axis: {
    labelFontSize: 14,
    titleFontSize: 14,
    labelColor: TEXT_COLOUR,
    titleColor: TEXT_COLOUR,
    domainColor: SECONDARY_TEXT_COLOUR,
    tickColor: SECONDARY_TEXT_COLOUR,
    gridColor: BORDER_COLOUR,
  },
  legend: { labelFontSize: 14, labelColor: TEXT_COLOUR, symbolSize: 200, symbolStrokeWidth: 0 },
} satisfies TopLevelSpec['config'];

/** The opening every chart's specification shares. */
const specFrame = (chart: ChartText) => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  description: chart.description,
  background: 'white',
  padding: 8,
});

/** The Vega-Lite specification of a horizontal stacked bar chart (exported for tests). */
export function stackedBarSpec(chart: StackedBarChart): TopLevelSpec {
  const values = chart.rows.flatMap((row, order) =>
    chart.series.map((s, stack) => ({
      category: row.category,
      order,
      series: s.label,
      stack,
      value: row.values[s.key] ?? 0,
    })),
  );
  // Vega measures text without a canvas by estimate (generously); the bars take what is left of a
  // drawing about 720 pixels wide, so that on a page the text stays at its size.
  const longestCategory = Math.max(1, ...chart.rows.map((r) => r.category.length));
  const labelWidth = Math.min(360, longestCategory * 11);
  return {
    ...specFrame(chart),
    width: Math.max(260, 700 - labelWidth),
    height: { step: 26 },
    data: { values },
    transform: [{ filter: 'datum.value > 0' }],
    mark: { type: 'bar', stroke: 'white', strokeWidth: 1 },
    encoding: {
      y: {
        field: 'category',
        type: 'nominal',
        title: null,
        sort: chart.rows.map((r) => r.category),
        // Labels are never cut short: the axis is as wide as the longest name needs.
        axis: { labelLimit: 0 },
      },
      x: {
        field: 'value',
        type: 'quantitative',
        aggregate: 'sum',
        stack: 'zero',
        title: chart.valueLabel,
        axis: { tickMinStep: 1, format: 'd' },
      },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: chart.series.map((s) => s.label), range: chart.series.map((s) => s.colour) },
        legend: { orient: 'bottom', direction: 'vertical', columns: 1, labelLimit: 0, symbolType: 'square' },
      },
      order: { field: 'stack', type: 'quantitative' },
      tooltip: [
        { field: 'category', type: 'nominal', title: chart.categoryLabel },
        { field: 'series', type: 'nominal', title: 'How' },
        { field: 'value', type: 'quantitative', aggregate: 'sum', title: chart.valueLabel },
      ],
    },
    config: CHART_CONFIG,
  };
}

/**
 * Renders a horizontal stacked bar chart as an accessible SVG string: `role="img"`, a `<title>` and
 * a `<desc>`, scaling to the width of its container.
 */
export async function stackedBarChartSvg(chart: StackedBarChart): Promise<string> {
  return renderSvg(stackedBarSpec(chart), chart);
}

/**
 * Rendered charts by what they were drawn from (the specification, title, description and id), the
 * most recently used kept: the same numbers always draw the same SVG, so a page asked again for
 * the same figures draws nothing. Bounded, so that memory does not grow with the pages asked for.
 */
const RENDERED_KEPT = 512;
const rendered = new Map<string, Promise<string>>();

/** Compiles and renders a Vega-Lite chart headless, and makes its SVG an accessible image. */
function renderSvg(spec: TopLevelSpec, chart: ChartText): Promise<string> {
  const key = JSON.stringify([spec, chart.id, chart.title, chart.description]);
  const kept = rendered.get(key);
  if (kept) {
    rendered.delete(key);
    rendered.set(key, kept);
    return kept;
  }
  const drawing = drawSvg(spec, chart);
  rendered.set(key, drawing);
  drawing.catch(() => rendered.delete(key));
  while (rendered.size > RENDERED_KEPT) rendered.delete(rendered.keys().next().value!);
  return drawing;
}

async function drawSvg(spec: TopLevelSpec, chart: ChartText): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none', logLevel: vega.Error });
  try {
    return accessibleSvg(await view.toSVG(), chart);
  } finally {
    view.finalize();
  }
}

/**
 * Gives Vega's SVG a role, a title and a description; it keeps its size and scales down with the
 * page through the stylesheet's `.app-chart__svg` (no style attribute: the pages' CSP refuses them).
 */
function accessibleSvg(svg: string, chart: ChartText): string {
  const open = /^<svg\b[^>]*>/.exec(svg);
  if (!open) throw new Error('Vega did not render an SVG element');
  const viewBox = /viewBox="([^"]+)"/.exec(open[0])?.[1];
  const width = /\bwidth="([\d.]+)"/.exec(open[0])?.[1];
  const height = /\bheight="([\d.]+)"/.exec(open[0])?.[1];
  const titleId = `${chart.id}-title`;
  const descId = `${chart.id}-desc`;
  const root =
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart__svg" role="img" focusable="false"` +
    ` aria-labelledby="${titleId}" aria-describedby="${descId}"` +
    (viewBox ? ` viewBox="${viewBox}"` : '') +
    (width ? ` width="${width}"` : '') +
    (height ? ` height="${height}"` : '') +
    ` font-family="${escapeXml(CHART_FONT)}">` +
    `<title id="${titleId}">${escapeXml(chart.title)}</title>` +
    `<desc id="${descId}">${escapeXml(chart.description)}</desc>`;
  // Inside an image the marks are presentation: Vega's own ARIA roles are dropped.
  const body = svg.slice(open[0].length).replace(/ (?:role|aria-roledescription|aria-label)="[^"]*"/g, '');
  return root + body;
}

export interface HeatMapChart {
  id: string;
  title: string;
  description: string;
  /** What the columns and rows measure, for example "Likelihood" and "Impact" (1 to `size`). */
  xLabel: string;
  yLabel: string;
  size: number;
  /** How many items sit in each cell: `counts[y - 1][x - 1]`. */
  counts: number[][];
  /** The band of a cell's score (x × y), each with a colour of at least 3:1 against white. */
  bands: Array<{ label: string; min: number; colour: string }>;
}

/**
 * The Vega-Lite specification of a square heat map (exported for tests). Each cell prints its
 * count, so nothing is told by colour alone; the legend names each band.
 */
export function heatMapSpec(chart: HeatMapChart): TopLevelSpec {
  const bandOf = (score: number) =>
    [...chart.bands].sort((a, b) => b.min - a.min).find((b) => score >= b.min)?.label ??
    chart.bands[0]!.label;
  const values = [];
  for (let y = 1; y <= chart.size; y++) {
    for (let x = 1; x <= chart.size; x++) {
      const count = chart.counts[y - 1]?.[x - 1] ?? 0;
      values.push({ x, y, count, label: count === 0 ? '' : String(count), band: bandOf(x * y) });
    }
  }
  return {
    ...specFrame(chart),
    width: 320,
    height: 320,
    data: { values },
    encoding: {
      x: { field: 'x', type: 'ordinal', title: chart.xLabel, axis: { labelAngle: 0 } },
      y: { field: 'y', type: 'ordinal', title: chart.yLabel, sort: 'descending' },
    },
    layer: [
      {
        mark: { type: 'rect', stroke: 'white', strokeWidth: 2 },
        encoding: {
          color: {
            field: 'band',
            type: 'nominal',
            title: null,
            scale: { domain: chart.bands.map((b) => b.label), range: chart.bands.map((b) => b.colour) },
            legend: { orient: 'bottom', direction: 'vertical', labelLimit: 0, symbolType: 'square' },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 18, fontWeight: 'bold', color: 'white' },
        encoding: { text: { field: 'label', type: 'nominal' } },
      },
    ],
    config: CHART_CONFIG,
  };
}

/** Renders a heat map as an accessible SVG string, like `stackedBarChartSvg`. */
export async function heatMapChartSvg(chart: HeatMapChart): Promise<string> {
  return renderSvg(heatMapSpec(chart), chart);
}

const VALUE_COLOUR = '#1d70b8';
const VALUE_SERIES = 'Value';
const TARGET_SERIES = 'Target';

/** One reporting period's value of a measure, and its target there; null where there is none. */
export interface RunChartPoint {
  period: string;
  value: number | null;
  target: number | null;
}

export interface RunChart {
  id: string;
  title: string;
  description: string;
  /** What the x axis counts in, for example "Quarter", and what is measured on the y axis. */
  periodLabel: string;
  valueLabel: string;
  /**
   * One point per period, in order; a null value draws no point and breaks the line. A status (for
   * example "Green") is written above its point, so that it is never told by colour alone.
   */
  points: Array<RunChartPoint & { status?: string | null }>;
  /** The y axis starts at zero unless this is false. */
  zero?: boolean;
}

export interface SmallMultiplesChart {
  id: string;
  title: string;
  description: string;
  periodLabel: string;
  valueLabel: string;
  /** One panel per council, in this order, all on the same y scale. */
  panels: Array<{ label: string; points: RunChartPoint[] }>;
  /** Panels in a row (2 unless given). */
  columns?: number;
  zero?: boolean;
}

type RunRow = { period: string; series: string; value: number | null; status: string | null };

/** A point's value, and its target when the chart has one, as rows of one long table. */
const runRows = (points: RunChart['points'], hasTarget: boolean): RunRow[] =>
  points.flatMap(({ period, value, target, status }) => [
    { period, series: VALUE_SERIES, value, status: status ?? null },
    ...(hasTarget ? [{ period, series: TARGET_SERIES, value: target, status: null }] : []),
  ]);

/**
 * Breaks a title into lines of at most `length` characters (a word longer than that has a line
 * of its own): Vega, estimating text widths without a canvas, would otherwise draw a long axis
 * title far beyond a short plot.
 */
function titleLines(text: string, length: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const last = lines.at(-1);
    if (last !== undefined && last.length + 1 + word.length <= length)
      lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines;
}

/** Vega's estimate of the width of one character of 14 pixel text drawn without a canvas. */
const ESTIMATED_CHARACTER_WIDTH = 0.8 * 14;

interface RunPanel {
  periods: string[];
  periodLabel: string;
  valueLabel: string | null;
  zero?: boolean;
  width: number;
  height: number;
}

/**
 * One run chart, alone or as a small multiple: the values as a solid line with filled points, the
 * target (when there is one) as a dashed line, both named in the legend, and any status written
 * above its point. Every period is on the x axis, in order, even one with no value.
 */
function runPanel(panel: RunPanel, points: RunChart['points'], hasTarget: boolean) {
  const series = hasTarget ? [VALUE_SERIES, TARGET_SERIES] : [VALUE_SERIES];
  // Labels that would not fit side by side are slanted, never shortened.
  const longestPeriod = Math.max(1, ...panel.periods.map((p) => p.length));
  const slanted = longestPeriod * 9 * panel.periods.length > panel.width;
  const legend = { orient: 'bottom', direction: 'horizontal', labelLimit: 0 } as const;
  return {
    width: panel.width,
    height: panel.height,
    data: { values: runRows(points, hasTarget) },
    encoding: {
      x: {
        field: 'period',
        type: 'nominal',
        title: panel.periodLabel,
        sort: panel.periods,
        scale: { domain: panel.periods },
        axis: { labelLimit: 0, labelAngle: slanted ? -45 : 0, labelOverlap: false },
      },
      y: {
        field: 'value',
        type: 'quantitative',
        title:
          panel.valueLabel === null
            ? null
            : titleLines(panel.valueLabel, Math.floor(panel.height / ESTIMATED_CHARACTER_WIDTH)),
        scale: { zero: panel.zero !== false },
      },
    },
    layer: [
      {
        mark: { type: 'line', strokeWidth: 3, invalid: 'break-paths-show-domains' },
        encoding: {
          color: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: { domain: series, range: [VALUE_COLOUR, TEXT_COLOUR] },
            legend: hasTarget ? { ...legend, symbolType: 'stroke', symbolStrokeWidth: 3 } : null,
          },
          strokeDash: {
            field: 'series',
            type: 'nominal',
            title: null,
            scale: {
              domain: series,
              range: [
                [1, 0],
                [6, 4],
              ],
            },
            legend: hasTarget ? legend : null,
          },
        },
      },
      {
        transform: [{ filter: `datum.series === '${VALUE_SERIES}' && isValid(datum.value)` }],
        mark: { type: 'point', filled: true, size: 70, color: VALUE_COLOUR, opacity: 1 },
      },
      {
        transform: [{ filter: 'isValid(datum.value) && isValid(datum.status) && datum.status !== ""' }],
        mark: { type: 'text', dy: -14, fontSize: 12, color: TEXT_COLOUR },
        encoding: { text: { field: 'status', type: 'nominal' } },
      },
    ],
  } satisfies LayerSpec;
}

const hasAnyTarget = (points: RunChartPoint[]) => points.some((p) => p.target !== null);

/** The Vega-Lite specification of a run chart of one measure over periods (exported for tests). */
export function runChartSpec(chart: RunChart): TopLevelSpec {
  const periods = chart.points.map((p) => p.period);
  return {
    ...specFrame(chart),
    ...runPanel({ ...chart, periods, width: 640, height: 260 }, chart.points, hasAnyTarget(chart.points)),
    config: CHART_CONFIG,
  };
}

/** Renders a run chart as an accessible SVG string, like `stackedBarChartSvg`. */
export async function runChartSvg(chart: RunChart): Promise<string> {
  return renderSvg(runChartSpec(chart), chart);
}

/**
 * The Vega-Lite specification of small multiples (exported for tests): one run chart per panel,
 * in a grid, each titled in full and with its own axes, all on one y scale so that they compare.
 * The y axis is titled in the first column only.
 */
export function smallMultiplesSpec(chart: SmallMultiplesChart): TopLevelSpec {
  const hasTarget = chart.panels.some((panel) => hasAnyTarget(panel.points));
  const periods = [...new Set(chart.panels.flatMap((panel) => panel.points.map((p) => p.period)))];
  const columns = Math.max(1, chart.columns ?? 2);
  return {
    ...specFrame(chart),
    columns,
    spacing: { row: 24, column: 32 },
    concat: chart.panels.map((panel, index) => ({
      title: { text: panel.label, anchor: 'start', fontSize: 14, color: TEXT_COLOUR, limit: 0 },
      ...runPanel(
        {
          ...chart,
          periods,
          valueLabel: index % columns === 0 ? chart.valueLabel : null,
          width: 300,
          height: 160,
        },
        panel.points,
        hasTarget,
      ),
    })),
    resolve: { scale: { x: 'shared', y: 'shared', color: 'shared', strokeDash: 'shared' } },
    config: CHART_CONFIG,
  };
}

/** Renders small multiples as an accessible SVG string, like `stackedBarChartSvg`. */
export async function smallMultiplesSvg(chart: SmallMultiplesChart): Promise<string> {
  return renderSvg(smallMultiplesSpec(chart), chart);
}
