import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compile } from 'vega-lite';
import {
  CHART_FONT,
  runChartSpec,
  runChartSvg,
  smallMultiplesSpec,
  smallMultiplesSvg,
  stackedBarChartSvg,
  type RunChart,
  type SmallMultiplesChart,
  type StackedBarChart,
} from './charts.ts';

const chart: StackedBarChart = {
  id: 'test-chart',
  title: 'How members deliver <their> services',
  description: 'For each member, the bars count services by how the member delivers them.',
  categoryLabel: 'Member',
  valueLabel: 'Services',
  series: [
    { key: 'retained', label: 'Retained in-house', colour: '#505a5f' },
    { key: 'shared', label: 'Shared through the partnership venture', colour: '#1d70b8' },
    { key: 'lead', label: 'Delivered by a lead authority', colour: '#00703c' },
  ],
  rows: [
    {
      category: 'Devon Association of Parish Councils and Town Councils',
      values: { retained: 3, shared: 2 },
    },
    { category: 'Exeter', values: { lead: 4 } },
  ],
};

describe('server-side charts', () => {
  it('render to SVG without a network, a canvas or a browser', async () => {
    const fetch = globalThis.fetch;
    let fetched = 0;
    globalThis.fetch = (() => {
      fetched += 1;
      throw new Error('no network');
    }) as typeof fetch;
    try {
      const svg = await stackedBarChartSvg(chart);
      assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      assert.match(svg, /<\/svg>$/);
    } finally {
      globalThis.fetch = fetch;
    }
    assert.equal(fetched, 0);
    const canvas = 'canvas';
    await assert.rejects(import(canvas), 'no canvas package is installed: Vega measured text without one');
  });

  it('are images with a title and a description, escaped', async () => {
    const svg = await stackedBarChartSvg(chart);
    const root = /^<svg[^>]*>/.exec(svg)![0];
    assert.match(root, /role="img"/);
    assert.match(root, /aria-labelledby="test-chart-title"/);
    assert.match(root, /aria-describedby="test-chart-desc"/);
    assert.match(root, /viewBox="0 0 \d+(\.\d+)? \d+(\.\d+)?"/);
    assert.doesNotMatch(root, /style=/, 'no style attribute: the pages’ CSP refuses them');
    assert.ok(
      svg.includes('<title id="test-chart-title">How members deliver &lt;their&gt; services</title>'),
    );
    assert.ok(svg.includes(`<desc id="test-chart-desc">${chart.description}</desc>`));
    assert.doesNotMatch(
      svg.slice(root.length),
      /role="graphics/,
      'Vega’s own roles are dropped inside the image',
    );
  });

  it('write every label in the page’s sans-serif font, in full', async () => {
    const svg = await stackedBarChartSvg(chart);
    const families = new Set(
      [...svg.matchAll(/font-family="([^"]*)"/g)].map((m) => m[1]!.replace(/&#39;/g, "'")),
    );
    assert.deepEqual([...families], [CHART_FONT]);
    assert.match(CHART_FONT, /sans-serif$/);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    assert.ok(
      texts.includes('Devon Association of Parish Councils and Town Councils'),
      'long names are not cut',
    );
    assert.ok(
      texts.every((t) => !t?.endsWith('…')),
      'no label is shortened',
    );
  });

  it('give every series a colour key in the legend, even one with no bars', async () => {
    const svg = await stackedBarChartSvg(chart);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    for (const s of chart.series) {
      assert.ok(texts.includes(s.label), `${s.label} is in the legend`);
      assert.ok(svg.toLowerCase().includes(`fill="${s.colour}"`), `${s.label} has its colour`);
    }
  });
});

const quarters = ['2024-25 Q1', '2024-25 Q2', '2024-25 Q3', '2024-25 Q4', '2025-26 Q1', '2025-26 Q2'];

const runChart: RunChart = {
  id: 'run-chart',
  title: 'Cases closed <on time> & in full',
  description: 'The share of cases closed within the service level, quarter by quarter.',
  periodLabel: 'Quarter',
  valueLabel: 'Closed within the service level (%)',
  points: quarters.map((period, i) => ({ period, value: 70 + i * 3, target: 80, status: null })),
};

/** The same chart with no value (and no target) in one quarter. */
const withGap = (chart: RunChart, period: string): RunChart => ({
  ...chart,
  points: chart.points.map((p) => (p.period === period ? { ...p, value: null, target: null } : p)),
});

const textsOf = (svg: string) => [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);

/** The point marks of a chart: one path per point in Vega's symbol mark groups (not the legend's). */
const pointsOf = (svg: string) =>
  [...svg.matchAll(/<g class="mark-symbol role-mark[^"]*">(.*?)<\/g>/g)].reduce(
    (sum, m) => sum + (m[1]!.match(/<path /g)?.length ?? 0),
    0,
  );

/** The lines of a chart, each with how many pieces it is drawn in. */
const linesOf = (svg: string) =>
  [...svg.matchAll(/<g class="mark-line role-mark[^"]*">(.*?)<\/g>/g)].flatMap((m) =>
    [...m[1]!.matchAll(/<path d="([^"]*)"[^>]*stroke-dasharray="([^"]*)"/g)].map((path) => ({
      pieces: path[1]!.split('M').length - 1,
      dash: path[2]!,
    })),
  );

/** An image named by its title and described by its description, both escaped, with no style. */
function assertAccessibleImage(svg: string, id: string, escapedTitle: string, description: string) {
  const root = /^<svg[^>]*>/.exec(svg)![0];
  assert.match(root, /role="img"/);
  assert.ok(root.includes(`aria-labelledby="${id}-title"`));
  assert.ok(root.includes(`aria-describedby="${id}-desc"`));
  assert.ok(svg.includes(`<title id="${id}-title">${escapedTitle}</title>`));
  assert.ok(svg.includes(`<desc id="${id}-desc">${description}</desc>`));
  assert.doesNotMatch(svg, /style=/, 'no style attribute: the pages’ CSP refuses them');
}

describe('run charts', () => {
  it('are images with a title and a description, escaped, and no style attribute', async () => {
    const svg = await runChartSvg(runChart);
    assertAccessibleImage(
      svg,
      'run-chart',
      'Cases closed &lt;on time&gt; &amp; in full',
      runChart.description,
    );
    const families = new Set(
      [...svg.matchAll(/font-family="([^"]*)"/g)].map((m) => m[1]!.replace(/&#39;/g, "'")),
    );
    assert.deepEqual([...families], [CHART_FONT]);
  });

  it('draw no point for a period with no value, and break the line there', async () => {
    const full = await runChartSvg(runChart);
    const gap = await runChartSvg(withGap(runChart, '2024-25 Q3'));
    assert.equal(pointsOf(full), 6);
    assert.equal(pointsOf(gap), 5);
    const solid = (svg: string) => linesOf(svg).find((line) => line.dash === '1,0')!;
    assert.equal(solid(full).pieces, 1);
    assert.equal(solid(gap).pieces, 2, 'the line is not drawn across the gap');
  });

  it('put every period on the x axis in order, in full, even one with no value', async () => {
    const svg = await runChartSvg(withGap(withGap(runChart, '2024-25 Q1'), '2025-26 Q2'));
    const texts = textsOf(svg);
    assert.deepEqual(
      texts.filter((t) => quarters.includes(t)),
      quarters,
    );
    assert.ok(
      texts.every((t) => !t.endsWith('…')),
      'no label is shortened',
    );
  });

  it('draw the target as a dashed line named in the legend, only when there is one', async () => {
    const svg = await runChartSvg(runChart);
    assert.deepEqual(
      linesOf(svg).map((line) => line.dash),
      ['1,0', '6,4'],
    );
    assert.ok(textsOf(svg).includes('Target'));
    assert.ok(textsOf(svg).includes('Value'));
    assert.match(
      svg,
      /role-legend-symbol[^>]*><path[^>]*stroke-dasharray="6,4"/,
      'the legend shows the target’s dashes',
    );

    const noTarget = await runChartSvg({
      ...runChart,
      points: runChart.points.map((p) => ({ ...p, target: null })),
    });
    assert.deepEqual(
      linesOf(noTarget).map((line) => line.dash),
      ['1,0'],
    );
    assert.ok(!textsOf(noTarget).includes('Target'));
    assert.doesNotMatch(noTarget, /role-legend/, 'one line needs no key');
  });

  it('write each status above its point, and none where there is no value', async () => {
    const svg = await runChartSvg({
      ...runChart,
      points: runChart.points.map((p, i) => ({
        ...p,
        value: i === 1 ? null : p.value,
        status: ['Red', 'Amber', null, 'Green', '', null][i],
      })),
    });
    const texts = textsOf(svg);
    assert.ok(texts.includes('Red'));
    assert.ok(texts.includes('Green'));
    assert.ok(!texts.includes('Amber'), 'a status with no value to stand by is not drawn');
  });

  it('start the y axis at zero unless told not to', () => {
    const yScale = (chart: RunChart) =>
      (compile(runChartSpec(chart)).spec.scales ?? []).find((scale) => scale.name === 'y') as {
        zero?: boolean;
      };
    assert.equal(yScale(runChart).zero, true);
    assert.equal(yScale({ ...runChart, zero: false }).zero, false);
  });
});

describe('small multiples', () => {
  const councils = [
    'Cheltenham Borough Council',
    'Cotswold District Council',
    'Forest of Dean District Council and its Partnership Venture Board',
  ];
  const chart: SmallMultiplesChart = {
    id: 'multiples',
    title: 'Cases closed <on time>, by council',
    description: 'The share of cases each council closed within the service level, quarter by quarter.',
    periodLabel: 'Quarter',
    valueLabel: 'Closed within the service level (%)',
    panels: councils.map((label, k) => ({
      label,
      points: quarters.map((period, i) => ({
        period,
        value: k === 1 && i === 2 ? null : (k + 1) * 10 + i,
        target: k === 2 ? null : 40,
      })),
    })),
  };

  it('draw one titled panel per council, in full, as an accessible image', async () => {
    const svg = await smallMultiplesSvg(chart);
    assertAccessibleImage(svg, 'multiples', 'Cases closed &lt;on time&gt;, by council', chart.description);
    const texts = textsOf(svg);
    for (const council of councils) {
      assert.equal(texts.filter((t) => t === council).length, 1, `${council} titles one panel`);
    }
    assert.equal(pointsOf(svg), 17, 'one point per value: 18 periods less one with none');
    assert.equal(texts.filter((t) => t === 'Target').length, 1, 'one legend for all the panels');
    assert.ok(texts.every((t) => !t.endsWith('…')));
  });

  it('put every panel on the same y scale', () => {
    const spec = smallMultiplesSpec(chart) as { resolve?: { scale?: { y?: string } } };
    assert.equal(spec.resolve?.scale?.y, 'shared');
    const compiled = compile(smallMultiplesSpec(chart)).spec;
    const scales = (compiled.scales ?? []).map((scale) => scale.name);
    assert.deepEqual(
      scales.filter((name) => /(^|_)y$/.test(name)),
      ['y'],
      'one y scale for the whole grid',
    );
  });

  it('lay the panels out in the columns asked for (two unless told)', async () => {
    const size = async (c: SmallMultiplesChart) => {
      const [, , width, height] = /viewBox="([^"]+)"/
        .exec(await smallMultiplesSvg(c))![1]!
        .split(' ')
        .map(Number);
      return { width: width!, height: height! };
    };
    const [one, two, three] = await Promise.all(
      [1, undefined, 3].map((columns) => size({ ...chart, columns })),
    );
    assert.deepEqual(await size({ ...chart, columns: 2 }), two, 'two columns unless told');
    assert.ok(one!.width < two!.width && two!.width < three!.width, 'each column is wider');
    assert.ok(one!.height > two!.height && two!.height > three!.height, 'and has fewer rows');
  });
});
