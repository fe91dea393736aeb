// How long heatmap.html takes to open and render in Chromium (Debian's /usr/bin/chromium via playwright-core):
// from navigation to the tactic columns drawn and a frame painted. Three fresh pages; prints the median.
// Usage: node bench/heatmap-render.mjs path/to/heatmap.html
import { existsSync, statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const file = process.argv[2];
const executablePath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-dev-shm-usage'] });
const times = [];
let rules;
try {
  for (let i = 0; i < 3; i++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const start = performance.now();
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('section.tactic', { timeout: 20000 }).catch((error) => {
      throw new Error(`${error.message.split('\n')[0]}${errors.length ? `; page errors: ${errors.join('; ')}` : ''}`);
    });
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    times.push(performance.now() - start);
    // The page's own data says how many rules it shows, whichever file it is given.
    rules ??= await page.evaluate(() => JSON.parse(document.getElementById('report-data').textContent).rules.length);
    if (errors.length) throw new Error(errors.join('; '));
    await page.close();
  }
} finally {
  await browser.close();
}
times.sort((a, b) => a - b);
console.log(`heatmap.html for ${rules} rules (${(statSync(file).size / 2 ** 20).toFixed(1)} MiB): opened and rendered in Chromium in ${times[1].toFixed(0)} ms median (${times.map((t) => t.toFixed(0)).join(', ')})`);
