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
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: chart.description,
    width: Math.max(260, 700 - labelWidth),
    height: { step: 26 },
    background: 'white',
    padding: 8,
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
    config: {
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
    },
  };
}

/**
 * Renders a horizontal stacked bar chart as an accessible SVG string: `role="img"`, a `<title>` and
 * a `<desc>`, scaling to the width of its container.
 */
export async function stackedBarChartSvg(chart: StackedBarChart): Promise<string> {
  return renderSvg(stackedBarSpec(chart), chart);
}

/** Compiles and renders a Vega-Lite chart headless, and makes its SVG an accessible image. */
async function renderSvg(
  spec: TopLevelSpec,
  chart: Pick<StackedBarChart, 'id' | 'title' | 'description'>,
): Promise<string> {
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
function accessibleSvg(svg: string, chart: Pick<StackedBarChart, 'id' | 'title' | 'description'>): string {
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
  const axis = { labelFontSize: 14, titleFontSize: 14, labelColor: TEXT_COLOUR, titleColor: TEXT_COLOUR };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: chart.description,
    width: 320,
    height: 320,
    background: 'white',
    padding: 8,
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
    config: {
      font: CHART_FONT,
      aria: false,
      view: { stroke: null },
      axis: { ...axis, domainColor: SECONDARY_TEXT_COLOUR, tickColor: SECONDARY_TEXT_COLOUR },
      legend: { labelFontSize: 14, labelColor: TEXT_COLOUR, symbolSize: 200, symbolStrokeWidth: 0 },
    },
  };
}

/** Renders a heat map as an accessible SVG string, like `stackedBarChartSvg`. */
export async function heatMapChartSvg(chart: HeatMapChart): Promise<string> {
  return renderSvg(heatMapSpec(chart), chart);
}
