// Polling with a deadline: every wait in the end-to-end tests goes through `until`, never a bare sleep.

/**
 * Calls `probe` every `everyMs` until it returns a truthy value (returned) or `timeoutMs` passes.
 * `fatal()` returning a message ends the wait at once (e.g. the process being waited on exited).
 */
export async function until(what, probe, { timeoutMs = 30_000, everyMs = 250, fatal } = {}) {
  const deadline = Date.now() + timeoutMs
  let last
  for (;;) {
    const dead = fatal?.()
    if (dead) throw new Error(`gave up waiting for ${what}: ${dead}`)
    try {
      const v = await probe()
      if (v) return v
      last = undefined
    } catch (e) {
      last = e
    }
    if (Date.now() >= deadline) {
      const why = last ? `: ${last.message ?? last}` : ''
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`)
    }
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** GET `url` as JSON; throws on a non-2xx status. */
export async function getJson(url) {
  const res = await fetch(url, { signal: AbortSignal.timeout(3_000) })
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`)
  return res.json()
}
