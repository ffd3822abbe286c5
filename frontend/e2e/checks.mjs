// The end-to-end checks, each against a real node's UI in a fresh browser context. Every wait is a
// poll with a deadline (Playwright's waits or `until`).
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { getJson, until } from './poll.mjs'

const WAIT = 45_000

/** Prices shown in the quotes table, by symbol. */
const tablePrices = (page) =>
  page.$$eval('[data-testid=quote-row]', (rows) =>
    Object.fromEntries(
      rows.map((r) => [
        r.getAttribute('data-symbol'),
        r.querySelector('[data-testid=quote-price]')?.textContent ?? '',
      ]),
    ),
  )

/** Live quotes appear in the table and their prices change while the page stays open. */
export async function liveQuotes({ browser, url }) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  const page = await ctx.newPage()
  await page.goto(`${url}/quotes`)
  await page.getByTestId('stream-status').and(page.locator('[data-status=open]')).waitFor()
  await page.getByTestId('quote-row').first().waitFor({ timeout: WAIT })
  const first = await tablePrices(page)
  assert.ok(Object.keys(first).length > 0, 'no quote rows')
  for (const price of Object.values(first)) assert.match(price, /^[\d,]+(\.\d+)?$/)
  const changed = await until(
    'a price in the quotes table to change',
    async () => {
      const now = await tablePrices(page)
      return Object.keys(now).find((s) => first[s] !== undefined && now[s] !== first[s])
    },
    { timeoutMs: WAIT, everyMs: 200 },
  )
  // Live updates come from the stream (the table itself refetches only every 30 s).
  const flashed = await page.locator('[data-testid=quote-row][data-flash]').count()
  assert.ok(flashed > 0, 'a changed row should flash')
  await ctx.close()
  return `prices update live (e.g. ${changed})`
}

/** The symbol page's chart draws the venues' validated quotes (and the consensus when served). */
export async function symbolChart({ browser, url, symbol }) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } })
  const page = await ctx.newPage()
  await page.goto(`${url}/symbols/${symbol}`)
  const chart = page.getByTestId('price-chart')
  await chart.waitFor({ timeout: WAIT })
  const points = Number(await chart.getAttribute('data-points'))
  assert.ok(points > 0, `chart reports ${points} points`)
  // The canvas really has pixels in a series colour, not just an empty grid.
  const coloured = await until(
    'series pixels on the chart canvas',
    () =>
      chart.evaluate((el) => {
        const want = (el.getAttribute('data-colors') ?? '')
          .split(',')
          .map((hex) => [
            parseInt(hex.slice(1, 3), 16),
            parseInt(hex.slice(3, 5), 16),
            parseInt(hex.slice(5, 7), 16),
          ])
        let n = 0
        for (const c of el.querySelectorAll('canvas')) {
          if (!c.width || !c.height) continue
          const d = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data
          if (!d) continue
          for (let i = 0; i < d.length; i += 4) {
            if (d[i + 3] < 200) continue
            if (
              want.some(
                ([r, g, b]) =>
                  Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 30,
              )
            )
              n++
          }
        }
        return n > 20 && n
      }),
    { timeoutMs: 15_000 },
  )
  await ctx.close()
  return `${symbol}: ${points} points, ${coloured} series pixels`
}

/** A validated quote's certificate verifies in the browser; with the tamper hook it does not. */
export async function certificate({ browser, url }) {
  const { items } = await getJson(`${url}/api/v1/quotes?status=validated&limit=1`)
  assert.equal(items.length, 1, 'no validated quote')
  const id = items[0].id
  const status = async (headers) => {
    const ctx = await browser.newContext({ extraHTTPHeaders: headers })
    const page = await ctx.newPage()
    await page.goto(`${url}/quotes/${id}`)
    const mark = page.getByTestId('cert-status')
    await mark.waitFor({ timeout: WAIT })
    const text = (await mark.textContent()).trim()
    const failed = await page
      .getByRole('list', { name: 'Certificate checks' })
      .getByRole('img', { name: 'failed' })
      .count()
    await ctx.close()
    return { text, failed }
  }
  const good = await status({})
  assert.deepEqual(good, { text: 'valid', failed: 0 }, 'untouched certificate')
  const bad = await status({ 'X-Mdnode-Test-Hook': 'tamper-certificate' })
  assert.equal(bad.text, 'invalid', 'tampered certificate')
  assert.ok(bad.failed > 0, 'a failed check is listed')
  return `quote ${id.slice(0, 12)}…: valid, tampered copy invalid (${bad.failed} failed check)`
}

const isDark = (page) => page.evaluate(() => document.documentElement.classList.contains('dark'))

/** Pages to screenshot in each theme, each with what shows it has its live data. */
const SHOTS = [
  ['overview', '/', 'feed-item'],
  ['quotes', '/quotes', 'quote-row'],
  ['symbol', null, 'price-chart'],
  ['peers', '/peers', 'peer-row'],
  ['sources', '/sources', 'source-row'],
]

async function screenshots(page, url, symbol, theme, outDir) {
  for (const [name, path, ready] of SHOTS) {
    await page.goto(`${url}${path ?? `/symbols/${symbol}`}`)
    await page.locator('main h1').waitFor()
    await page.getByTestId(ready).first().waitFor({ timeout: WAIT })
    await until(
      `${name} to finish loading`,
      async () => (await page.locator('main [role=status][aria-label=Loading]').count()) === 0,
      { timeoutMs: WAIT },
    )
    await page.screenshot({ path: join(outDir, `${name}-${theme}.png`), fullPage: true })
  }
}

/** The theme follows the system, switches with the header button and survives a reload. */
export async function theme({ browser, url, symbol, outDir }) {
  const ctx = await browser.newContext({
    colorScheme: 'light',
    viewport: { width: 1366, height: 900 },
  })
  const page = await ctx.newPage()
  await page.goto(`${url}/`)
  await page.getByRole('button', { name: 'Toggle theme' }).waitFor()
  assert.equal(await isDark(page), false, 'light system theme → light UI')
  await screenshots(page, url, symbol, 'light', outDir)
  await page.getByRole('button', { name: 'Toggle theme' }).click()
  assert.equal(await isDark(page), true, 'toggle → dark')
  await page.reload()
  await page.getByRole('button', { name: 'Toggle theme' }).waitFor()
  assert.equal(await isDark(page), true, 'dark remembered across reload')
  assert.equal(await page.evaluate(() => localStorage.getItem('mdnode.theme')), 'dark')
  await screenshots(page, url, symbol, 'dark', outDir)
  await page.getByRole('button', { name: 'Toggle theme' }).click()
  await page.reload()
  await page.getByRole('button', { name: 'Toggle theme' }).waitFor()
  assert.equal(await isDark(page), false, 'light remembered across reload')
  // A narrow screen: the menu button replaces the sidebar.
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`${url}/quotes`)
  await page.getByRole('button', { name: 'Open menu' }).waitFor()
  await page.getByTestId('quote-row').first().waitFor({ timeout: WAIT })
  await page.screenshot({ path: join(outDir, 'quotes-mobile-light.png'), fullPage: true })
  await ctx.close()
  return `switch and reload keep the theme; screenshots in ${outDir}`
}
