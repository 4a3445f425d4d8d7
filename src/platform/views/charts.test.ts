import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CHART_FONT, stackedBarChartSvg, type StackedBarChart } from './charts.ts';

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
