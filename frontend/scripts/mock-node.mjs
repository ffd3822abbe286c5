// Development stand-in for an mdnode API: serves the test fixtures at /api/v1, a fake live stream
// at /api/v1/stream (hand-rolled WebSocket text frames), and dist/ with an SPA fallback.
// Usage: node scripts/mock-node.mjs [port]   (then open http://127.0.0.1:<port>/)
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { extname, join, normalize } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const fx = (name) =>
  JSON.parse(readFileSync(join(root, 'src/test/fixtures', `${name}.json`), 'utf8'))
const detail = fx('quote-detail')
const api = {
  '/status': fx('status'),
  '/symbols': fx('symbols'),
  '/prices': fx('prices'),
  '/quotes': fx('quotes'),
  [`/quotes/${detail.id}`]: detail,
  '/peers': fx('peers'),
  '/sources': fx('sources'),
  '/sources/binance/scores': fx('source-scores'),
  '/scripts': fx('scripts'),
}
const types = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
}

const server = createServer((req, res) => {
  const url = new URL(req.url, 'http://x')
  if (url.pathname.startsWith('/api/v1/')) {
    let body = api[url.pathname.slice(7)]
    const symbol = url.searchParams.get('symbol')
    if (body?.items && symbol)
      body = { ...body, items: body.items.filter((i) => i.symbol === symbol) }
    res.writeHead(body ? 200 : 404, { 'Content-Type': 'application/json' })
    return res.end(JSON.stringify(body ?? { error: { code: 'not_found', message: url.pathname } }))
  }
  const file = normalize(join(root, 'dist', url.pathname))
  const path =
    file.startsWith(join(root, 'dist')) && existsSync(file) && extname(file)
      ? file
      : join(root, 'dist/index.html')
  res.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'application/octet-stream' })
  res.end(readFileSync(path))
})

server.on('upgrade', (req, socket) => {
  const accept = createHash('sha1')
    .update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
    .digest('base64')
  socket.write(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  )
  const send = (obj) => {
    const data = Buffer.from(JSON.stringify(obj))
    const head =
      data.length < 126
        ? Buffer.from([0x81, data.length])
        : Buffer.from([0x81, 126, data.length >> 8, data.length & 255])
    socket.write(Buffer.concat([head, data]))
  }
  let price = 3456.7
  const timer = setInterval(() => {
    price += (Math.random() - 0.5) * 4
    const kind = Math.random() < 0.1 ? 'quote.rejected' : 'quote.validated'
    const id = createHash('sha256').update(String(Math.random())).digest('hex')
    send({
      type: kind,
      id,
      symbol: 'ETH/USD',
      source: 'kraken',
      price: price.toFixed(2),
      observed_at: new Date().toISOString(),
      latency_ms: 300,
    })
    send({ type: 'price.updated', symbol: 'ETH/USD', price: price.toFixed(2), confidence: '1.25' })
  }, 700)
  socket.on('close', () => clearInterval(timer))
  socket.on('error', () => clearInterval(timer))
})

server.listen(Number(process.argv[2] ?? 18080), '127.0.0.1')
