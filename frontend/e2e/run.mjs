// End-to-end tests of the web UI against a real devnet: starts `mdnode devnet --nodes 4` on free
// ports in a temporary directory, drives Debian's chromium (playwright-core) through the checks in
// checks.mjs, saves screenshots under target/e2e/, and always stops the devnet's process group.
// Builds nothing: `make test-e2e` builds the UI and the binary first.
//
// Usage: node e2e/run.mjs   (env: MDNODE_BIN, CHROMIUM, E2E_OUT, E2E_KEEP=1 keeps the temp dir)
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { getJson } from './poll.mjs'
import { startDevnet } from './devnet.mjs'
import * as checks from './checks.mjs'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const bin = resolve(
  process.env.MDNODE_BIN ??
    join(process.env.CARGO_TARGET_DIR ?? join(repo, 'target'), 'debug/mdnode'),
)
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium'
const outDir = resolve(process.env.E2E_OUT ?? join(repo, 'target/e2e'))

function preflight() {
  const problems = []
  if (!existsSync(bin))
    problems.push(`no mdnode binary at ${bin} (cargo build -p mdnode, or set MDNODE_BIN)`)
  if (!existsSync(chromiumPath))
    problems.push(`no chromium at ${chromiumPath} (tools/ensure-deps.sh)`)
  const index = join(repo, 'frontend/dist/index.html')
  if (!existsSync(index)) problems.push('the UI is not built (cd frontend && npm run build)')
  // Debug builds read dist/ from disk at run time; a release binary embeds it when compiled.
  else if (
    bin.includes('/release/') &&
    existsSync(bin) &&
    statSync(index).mtimeMs > statSync(bin).mtimeMs
  )
    console.warn(
      'e2e: warning: frontend/dist is newer than the binary; a release build embeds the old UI',
    )
  if (problems.length) {
    console.error(`e2e: cannot run:\n  ${problems.join('\n  ')}`)
    process.exit(2)
  }
}

async function main() {
  preflight()
  mkdirSync(outDir, { recursive: true })
  const started = Date.now()
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`
  let devnet
  let browser
  let failed = 0
  const stopAll = async () => {
    await browser?.close().catch(() => {})
    await devnet?.stop()
  }
  const onSignal = (sig) => {
    console.error(`e2e: ${sig}, stopping the devnet`)
    void stopAll().finally(() => process.exit(130))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    console.log(`e2e: starting a 4-node devnet with ${bin}`)
    devnet = await startDevnet({ bin, repo })
    const url = devnet.urls[0]
    console.log(`e2e: devnet ready at ${url} (${elapsed()}); logs ${devnet.logPath}`)
    const page = await fetch(`${url}/`).then((r) => r.text())
    if (!page.includes('id="root"'))
      throw new Error(`the node does not serve the built UI at ${url}/:\n${page.slice(0, 300)}`)
    const { items } = await getJson(`${url}/api/v1/quotes?status=validated&limit=1`)
    const symbol = items[0].symbol
    browser = await chromium.launch({
      executablePath: chromiumPath,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    })
    const env = { browser, url, symbol, outDir }
    for (const [name, check] of Object.entries({
      'live quotes appear and update': checks.liveQuotes,
      'symbol chart renders points': checks.symbolChart,
      'certificate valid, tampered certificate invalid': checks.certificate,
      'theme switch is remembered; screenshots': checks.theme,
    })) {
      try {
        const detail = await check(env)
        console.log(`  ok   ${name}: ${detail} (${elapsed()})`)
      } catch (e) {
        failed++
        console.log(`  FAIL ${name}: ${e.stack ?? e}`)
      }
    }
  } catch (e) {
    failed++
    console.error(`e2e: ${e.stack ?? e}`)
  } finally {
    await stopAll()
    if (devnet && !failed && !process.env.E2E_KEEP)
      rmSync(devnet.dir, { recursive: true, force: true })
    else if (devnet) console.log(`e2e: kept ${devnet.dir}`)
  }
  console.log(`e2e: ${failed ? `${failed} failed` : 'all passed'} in ${elapsed()}`)
  process.exit(failed ? 1 : 0)
}

await main()
