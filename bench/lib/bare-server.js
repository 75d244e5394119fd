/**
 * The serve bench's baseline: a bare node:http server in its own process, answering POST with a
 * fixed JSON body (given on stdin: the lab's own getMachineInfo reply, so both send the same
 * bytes) and GET with a minimal page that shows a button and a fact, fetched the way the app
 * fetches its machine facts. Prints "listening <port>".
 */
import { createServer } from 'node:http'

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const body = Buffer.concat(chunks)
const page = `<!doctype html><html><head><meta charset="utf-8"><title>bare</title></head><body>
<header data-testid="machine-facts">Reading…</header><button data-testid="run" disabled>Run</button>
<script type="module">
const reply = await (await fetch('api/getMachineInfo', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '' })).json()
document.querySelector('header').textContent = reply.value.logicalCores + ' logical cores'
document.querySelector('button').disabled = false
</script></body></html>`

const server = createServer((req, res) => {
  if (req.method === 'POST') {
    req.resume()
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
      res.end(body)
    })
    return
  }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(page)
})
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
