// Starts `mdnode devnet` (simex + N nodes) on free ports in a temporary directory, in its own process
// group, and stops the whole group. The binary is given; nothing is built here.
import { spawn } from 'node:child_process'
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { createSocket } from 'node:dgram'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { getJson, until } from './poll.mjs'

const tcpFree = (port) =>
  new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)))
  })

const udpFree = (port) =>
  new Promise((resolve) => {
    const s = createSocket('udp4')
    s.once('error', () => resolve(false))
    s.bind(port, '0.0.0.0', () => s.close(() => resolve(true)))
  })

/**
 * A base port such that base..base+count-1 are free (TCP, and UDP when `udp`). Taken below Linux's
 * ephemeral range (32768-60999): a free port there can go to any outgoing connection before the
 * node binds it.
 */
async function freeRange(count, udp, avoid = new Set()) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const base = 10_000 + Math.floor(Math.random() * (22_000 - count))
    const ports = Array.from({ length: count }, (_, i) => base + i)
    if (ports.some((p) => avoid.has(p))) continue
    let ok = true
    for (const p of ports) {
      if (!(await tcpFree(p)) || (udp && !(await udpFree(p)))) {
        ok = false
        break
      }
    }
    if (ok) {
      ports.forEach((p) => avoid.add(p))
      return base
    }
  }
  throw new Error(`no ${count} consecutive free ports found`)
}

/** This process's environment without `MDNODE_*` variables: nodes refuse unknown ones. */
const nodeEnv = () =>
  Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MDNODE_')))

/**
 * Starts the devnet and waits until every node reports its peers connected and node 0 has a
 * validated quote. Returns `{ urls, dir, stop }`; `stop()` kills the process group.
 */
export async function startDevnet({ bin, repo, nodes = 4, symbols = 6, timeoutMs = 120_000 }) {
  const dir = mkdtempSync(join(tmpdir(), 'mdnode-e2e-'))
  const used = new Set()
  const httpPort = await freeRange(nodes, false, used)
  const p2pPort = await freeRange(nodes, true, used)
  const simexPort = await freeRange(1, false, used)
  const args = [
    'devnet',
    '--nodes',
    String(nodes),
    '--data-dir',
    join(dir, 'devnet'),
    '--http-port',
    String(httpPort),
    '--p2p-port',
    String(p2pPort),
    '--simex-port',
    String(simexPort),
    '--symbols',
    String(symbols),
    '--scripts-dir',
    join(repo, 'scripts'),
  ]
  const logPath = join(dir, 'devnet.log')
  const log = createWriteStream(logPath)
  const child = spawn(bin, args, {
    cwd: dir,
    detached: true, // its own process group, killed as a whole in stop()
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...nodeEnv(), MDNODE_API_TEST_HOOKS: 'true', MDNODE_LOG: 'info' },
  })
  child.stdout.pipe(log)
  child.stderr.pipe(log)
  let exited = null
  child.on('exit', (code, signal) => (exited = { code, signal }))

  const stop = async () => {
    if (exited) return
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {
      return
    }
    try {
      await until('the devnet to stop', () => exited, { timeoutMs: 15_000, everyMs: 100 })
    } catch {
      try {
        process.kill(-child.pid, 'SIGKILL')
      } catch {
        /* already gone */
      }
    }
  }
  const urls = Array.from({ length: nodes }, (_, i) => `http://127.0.0.1:${httpPort + i}`)
  const tail = () => readFileSync(logPath, 'utf8').split('\n').slice(-30).join('\n')
  const fatal = () => exited && `devnet exited (${JSON.stringify(exited)}):\n${tail()}`
  try {
    await until(
      `${nodes} devnet nodes to connect`,
      async () => {
        for (const url of urls) {
          const s = await getJson(`${url}/api/v1/status`)
          if (s.connected_peers.length < nodes - 1) return false
        }
        return true
      },
      { timeoutMs, everyMs: 500, fatal },
    )
    await until(
      'a validated quote on node 0',
      async () => {
        const q = await getJson(`${urls[0]}/api/v1/quotes?status=validated&limit=1`)
        return q.items.length > 0
      },
      { timeoutMs, everyMs: 500, fatal },
    )
  } catch (e) {
    await stop()
    throw new Error(`${e.message}\ndevnet log: ${logPath}`, { cause: e })
  }
  return { urls, dir, logPath, stop, pgid: child.pid }
}
