/** Loads the protocol test vectors (tests/vectors/v1.json at the repository root). */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

/** The parts of v1.json the frontend tests use. */
export interface Vectors {
  network_id: string
  quote: { encoded: string; id: string; value: Record<string, string | number> }
  validator_set: { keys: string[]; threshold: number }
  vote_batch: {
    encoded: string
    header: string
    signing_input: string
    leaf_hashes: string[]
    merkle_root: string
  }
  certificate: { encoded: string; quote_id: string; entry_count: number; voters: string[] }
}

/** Parsed `tests/vectors/v1.json`. */
export const vectors: Vectors = JSON.parse(
  // Vitest runs from frontend/; the vectors live at the repository root.
  readFileSync(resolve(process.cwd(), '../tests/vectors/v1.json'), 'utf8'),
)
