-- Vote batches stored once. A validated decision's certificate column then holds either the
-- canonical certificate encoding (first byte 0x01, the wire version) or, when the node had the
-- batches its certificate was cut from, 0x80 followed by one (vote_batches.id: 8 bytes, leaf
-- index: 4 bytes, both big-endian) per entry; readers rebuild the Merkle proofs from the batch.
-- Batches are content-addressed: hash is the SHA-256 of batch, the canonical vote batch encoding.
CREATE TABLE vote_batches (
    id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    hash  BYTEA  NOT NULL UNIQUE CHECK (octet_length(hash) = 32),
    batch BYTEA  NOT NULL
);
-- Hashes and signatures do not compress: store large batches out of line without trying.
ALTER TABLE vote_batches ALTER COLUMN batch SET STORAGE EXTERNAL;
