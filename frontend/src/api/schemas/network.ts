/** Schemas of node status, peers, sources and scripts (docs/api.md). */
import { z } from 'zod'
import { count, hex32, page, peerId, time } from './common'

export const status = z.object({
  network_id: z.string(),
  peer_id: peerId,
  public_key: hex32,
  is_validator: z.boolean(),
  connected_peers: z.array(peerId),
  validators: z.array(z.object({ key: hex32, peer_id: peerId, connected: z.boolean() })),
  quorum_threshold: count,
  decisions: z.object({ validated: count, rejected: count, expired: count }),
  counters: z.record(z.string(), count),
  // Proposal → commit latency histogram of this node since start (bucket upper bounds in ms).
  latency: z.object({ buckets_ms: z.array(count), counts: z.array(count) }).optional(),
  uptime_secs: count,
})
export type Status = z.infer<typeof status>

/** A share in [0, 1], or null when not yet known. */
const share = z.number().nullable().optional()

/**
 * This node's own score and the network's aggregate of everyone's reports (each in [0, 1] or null).
 * A bare number (an early API shape) is read as the local score.
 */
export const scorePair = z.union([
  z.object({ local: z.number().nullable(), network: z.number().nullable() }),
  z.number().transform((local) => ({ local, network: null })),
])
export type ScorePair = z.infer<typeof scorePair>

export const peer = z.object({
  key: hex32,
  peer_id: peerId,
  validator: z.boolean(),
  connected: z.boolean(),
  last_seen: time.nullable(),
  evidence_count: count,
  gossip_score: z.number().nullable().optional(),
  // Added by the reputation work; absent on nodes without it.
  reputation: scorePair.optional(),
  liveness: share,
  proposals: z.object({ validated: count, rejected: count, expired: count }).optional(),
  votes: z.object({ agreed: count, disagreed: count }).optional(),
})
export type Peer = z.infer<typeof peer>
export const peerPage = page(peer)

export const sourceEvent = z.object({
  kind: z.string(),
  at_ms: z.number().int(),
  duration_ms: count.optional(),
  detail: z.string().optional(),
})

export const source = z.object({
  name: z.string(),
  schedule: z.string(),
  paused: z.boolean(),
  running: z.boolean(),
  runs: count,
  missed: count,
  // Added with `scripts.splay_ms`; absent on older nodes. The offset after each cron time at which
  // this node runs the source, and when its next run is due (null while paused).
  splay_offset_ms: count.optional(),
  next_run_at_ms: z.number().int().nullable().optional(),
  shadow: z.boolean(),
  last_event: sourceEvent.nullable().optional(),
  // Added by the reputation work; absent on nodes without it. `status` is one of `sourceStatuses`
  // (other values are shown as they are).
  status: z.string().optional(),
  score: scorePair.optional(),
  acceptance: share,
  deviation: share,
  staleness: share,
  reliability: share,
  quarantined: z.boolean().optional(),
})
export type Source = z.infer<typeof source>
export const sourcePage = page(source)

/** The reputation states of a source. */
export const sourceStatuses = ['active', 'quarantined', 'shadow', 'paused'] as const

/** One point of `GET /sources/{name}/scores`. */
export const scorePoint = z.object({
  at: time,
  score: z.number().nullable(),
  acceptance: share,
  deviation: share,
  staleness: share,
  reliability: share,
  quarantined: z.boolean().optional().default(false),
})
export type ScorePoint = z.infer<typeof scorePoint>
export const scoreHistoryPage = page(scorePoint)

/** An installed script (`GET /scripts`): who installed and trusted it, and when. */
export const script = z.object({
  hash: hex32,
  name: z.string(),
  version: z.string(),
  // Null for scripts from local files (no signed announcement).
  author: z.string().nullable().optional(),
  description: z.string().optional().default(''),
  // A shared script may serve any symbol its venue lists: `["*"]`.
  symbols: z.array(z.string()).optional().default([]),
  trusted: z.boolean(),
  shadow: z.boolean().optional().default(false),
  file: z.string().optional(),
  installed_by: z.string().nullable().optional(),
  installed_at: time.nullable().optional(),
  trusted_by: z.string().nullable().optional(),
  trusted_at: time.nullable().optional(),
})
export type Script = z.infer<typeof script>
export const scriptPage = page(script)

/** A script announced on the network (`GET /scripts?available=true`). */
export const catalogueScript = z.object({
  hash: hex32,
  name: z.string(),
  version: z.string(),
  description: z.string().optional().default(''),
  author: z.string().nullable().optional(),
  symbols: z.array(z.string()).optional().default([]),
  hosts: z.array(z.string()).optional().default([]),
  schedule: z.string().optional(),
  body_len: count.optional(),
  published_at_ms: count.optional(),
  first_seen_ms: count.optional(),
  first_seen: time.nullable().optional(),
  validators_running: count.optional().default(0),
  sources: z.array(z.string()).optional().default([]),
  source_score: z.number().nullable().optional(),
  installed: z.boolean().optional().default(false),
  trusted: z.boolean().optional().default(false),
  record: script.nullable().optional(),
})
export type CatalogueScript = z.infer<typeof catalogueScript>
export const cataloguePage = page(catalogueScript)
