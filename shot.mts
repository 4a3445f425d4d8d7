import { startDemoServer } from './test/support/demo-server.ts';
import { launchBrowser } from './test/support/browser.ts';
const server = await startDemoServer();
const browser = await launchBrowser();
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
for (const [name, path] of [['devon', '/partnerships/integrated-devon'], ['lancs-matrix', '/partnerships/transforming-lancashire/services'], ['vision', '/partnerships/2020-vision']]) {
  await page.goto(server.url + path);
  await page.screenshot({ path: `/tmp/shot-${name}.png`, fullPage: true });
  console.log(name, await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth, document.querySelector('.app-matrix-region')?.getBoundingClientRect().right, document.querySelector('.app-matrix-region')?.scrollWidth]));
}
await page.goto(server.url + '/partnerships/2020-vision');
await page.locator('.app-chart').screenshot({ path: '/tmp/shot-chart.png' });
await page.goto(server.url + '/partnerships/transforming-lancashire/services');
await page.locator('.app-matrix-region').evaluate((e) => { e.scrollLeft = 300; });
await page.locator('.app-matrix-region').screenshot({ path: '/tmp/shot-region.png' });
await browser.close(); await server.close();
