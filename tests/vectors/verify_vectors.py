#!/usr/bin/env python3
"""Independent verifier of tests/vectors/v1.json, written from docs/protocol.md alone.

Parses the encoded quote, batches and certificate byte by byte, recomputes the quote id, the Merkle
roots and proofs (RFC 6962 / RFC 9162), checks the Ed25519 signatures and the quorum threshold.
Exits 0 when everything matches, 1 otherwise. Needs Python 3 and the `cryptography` package.

Usage: python3 tests/vectors/verify_vectors.py [path/to/v1.json]
"""

import hashlib
import json
import struct
import sys
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

TAG_QUOTE_ID = b"mdnode/v1/quote-id"
TAG_OBS = b"mdnode/v1/observation-batch"
TAG_VOTE_BATCH = b"mdnode/v1/vote-batch"
TAG_VOTE = b"mdnode/v1/vote"


class Fail(Exception):
    """A check failed."""


class Reader:
    """Cursor over bytes implementing the primitive decodings of docs/protocol.md section 1."""

    def __init__(self, data):
        self.data = data
        self.pos = 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise Fail(f"unexpected end at byte {self.pos}: need {n}")
        out = self.data[self.pos : self.pos + n]
        self.pos += n
        return out

    def u8(self):
        return self.take(1)[0]

    def u32(self):
        return struct.unpack("<I", self.take(4))[0]

    def u64(self):
        return struct.unpack("<Q", self.take(8))[0]

    def i64(self):
        return struct.unpack("<q", self.take(8))[0]

    def string(self, limit=256):
        n = self.u32()
        if n > limit:
            raise Fail(f"string of {n} bytes over limit {limit}")
        return self.take(n).decode("utf-8")

    def count(self, limit):
        n = self.u32()
        if n > limit:
            raise Fail(f"count {n} over limit {limit}")
        return n

    def decimal(self):
        mantissa = int.from_bytes(self.take(16), "little", signed=True)
        scale = self.u8()
        if scale > 28 or abs(mantissa) >= 2**96:
            raise Fail("decimal out of range")
        if scale > 0 and mantissa % 10 == 0:
            raise Fail("non-canonical decimal")
        return (mantissa, scale)

    def option(self, read):
        tag = self.u8()
        if tag == 0:
            return None
        if tag == 1:
            return read()
        raise Fail(f"bad option tag {tag}")

    def prefix(self, msg_type):
        version, ty = self.u8(), self.u8()
        if version != 1 or ty != msg_type:
            raise Fail(f"expected prefix 01 {msg_type:02x}, got {version:02x} {ty:02x}")

    def done(self):
        if self.pos != len(self.data):
            raise Fail(f"{len(self.data) - self.pos} trailing bytes")


def sha256(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


def read_quote(r):
    """Reads a Quote; returns (start, end) offsets and the proposer."""
    start = r.pos
    symbol = r.string()
    base, _, quote = symbol.partition("/")
    if not (base and quote and all(c.isascii() and (c.isupper() or c.isdigit()) for c in base + quote)):
        raise Fail(f"bad symbol {symbol!r}")
    r.string(64)  # source
    r.decimal()  # price
    for _ in range(3):  # bid, ask, volume
        r.option(r.decimal)
    r.i64()  # observed_at_ms
    r.take(32)  # script_hash
    r.take(32)  # evidence_hash
    proposer = r.take(32)
    return r.data[start : r.pos], proposer


def read_header(r):
    start = r.pos
    h = {
        "network_id": r.string(64),
        "voter": r.take(32),
        "seq": r.u64(),
        "created_at_ms": r.i64(),
        "vote_count": r.u32(),
        "merkle_root": r.take(32),
    }
    h["bytes"] = r.data[start : r.pos]
    return h


def read_vote(r):
    start = r.pos
    r.take(32)  # quote_id
    tag = r.u8()
    if tag == 2:
        if r.u8() not in range(1, 7):
            raise Fail("bad reject reason")
    elif tag not in (1, 3):
        raise Fail(f"bad verdict tag {tag}")
    return r.data[start : r.pos]


def leaf_hash(leaf_bytes):
    return sha256(b"\x00", leaf_bytes)


def node_hash(left, right):
    return sha256(b"\x01", left, right)


def mth(leaves):
    n = len(leaves)
    if n == 0:
        return sha256()
    if n == 1:
        return leaves[0]
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def root_from_proof(leaf, index, siblings, n):
    """RFC 9162 section 2.1.3.2."""
    if index >= n:
        raise Fail(f"proof index {index} >= leaf count {n}")
    fn, sn, r = index, n - 1, leaf
    for p in siblings:
        if sn == 0:
            raise Fail("proof too long")
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            while fn % 2 == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Fail("proof too short")
    return r


def verify_sig(public_key, signature, message, what):
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except InvalidSignature:
        raise Fail(f"bad signature: {what}") from None


def check_keys(v):
    for k in v["keys"]:
        pub = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(k["seed"])).public_key()
        if pub.public_bytes_raw().hex() != k["public_key"]:
            raise Fail("public key does not match seed")
    listed = [bytes.fromhex(k) for k in v["validator_set"]["keys"]]
    if listed != sorted(set(listed)):
        raise Fail("validator keys not sorted and distinct")


def check_quote(v):
    data = bytes.fromhex(v["quote"]["encoded"])
    r = Reader(data)
    quote_bytes, _ = read_quote(r)
    r.done()
    qid = sha256(TAG_QUOTE_ID, quote_bytes)
    if qid.hex() != v["quote"]["id"]:
        raise Fail("quote id mismatch")
    return quote_bytes, qid


def check_observation_batch(v):
    data = bytes.fromhex(v["observation_batch"]["encoded"])
    r = Reader(data)
    r.prefix(0x01)
    r.string(64)
    proposer = r.take(32)
    r.u64()
    r.i64()
    ids = []
    for _ in range(r.count(4096)):
        qb, qp = read_quote(r)
        if qp != proposer:
            raise Fail("quote proposer differs from batch proposer")
        ids.append(sha256(TAG_QUOTE_ID, qb).hex())
    unsigned = data[: r.pos]
    signature = r.take(64)
    r.done()
    if TAG_OBS + unsigned != bytes.fromhex(v["observation_batch"]["signing_input"]):
        raise Fail("observation batch signing input mismatch")
    if ids != v["observation_batch"]["quote_ids"]:
        raise Fail("observation batch quote ids mismatch")
    verify_sig(proposer, signature, TAG_OBS + unsigned, "observation batch")


def check_vote_batch(v):
    data = bytes.fromhex(v["vote_batch"]["encoded"])
    r = Reader(data)
    r.prefix(0x02)
    header = read_header(r)
    votes = [read_vote(r) for _ in range(r.count(4096))]
    signature = r.take(64)
    r.done()
    if header["bytes"].hex() != v["vote_batch"]["header"]:
        raise Fail("vote batch header bytes mismatch")
    leaves = [leaf_hash(TAG_VOTE + vote) for vote in votes]
    if [x.hex() for x in leaves] != v["vote_batch"]["leaf_hashes"]:
        raise Fail("leaf hashes mismatch")
    if header["vote_count"] != len(votes) or mth(leaves) != header["merkle_root"]:
        raise Fail("vote batch count or Merkle root mismatch")
    verify_sig(header["voter"], signature, TAG_VOTE_BATCH + header["bytes"], "vote batch")


def check_certificate(v, quote_id):
    data = bytes.fromhex(v["certificate"]["encoded"])
    r = Reader(data)
    r.prefix(0x03)
    if r.take(32) != quote_id:
        raise Fail("certificate quote id differs from the quote's id")
    validators = {bytes.fromhex(k) for k in v["validator_set"]["keys"]}
    leaf = leaf_hash(TAG_VOTE + quote_id + b"\x01")
    previous = None
    entries = r.count(1024)
    for i in range(entries):
        header = read_header(r)
        signature = r.take(64)
        index = r.u32()
        siblings = [r.take(32) for _ in range(r.count(32))]
        if header["network_id"] != v["network_id"]:
            raise Fail(f"entry {i}: wrong network")
        if header["voter"] not in validators:
            raise Fail(f"entry {i}: voter not in set")
        if previous is not None and header["voter"] <= previous:
            raise Fail(f"entry {i}: voters not strictly ascending")
        previous = header["voter"]
        if root_from_proof(leaf, index, siblings, header["vote_count"]) != header["merkle_root"]:
            raise Fail(f"entry {i}: proof does not reach the root")
        verify_sig(header["voter"], signature, TAG_VOTE_BATCH + header["bytes"], f"entry {i}")
    r.done()
    q = v["validator_set"]["quorum"]
    n = len(validators)
    threshold = min(n, n * q["numerator"] // q["denominator"] + 1)
    if threshold != v["validator_set"]["threshold"]:
        raise Fail("threshold mismatch")
    if entries < threshold:
        raise Fail(f"{entries} entries below threshold {threshold}")
    return entries, threshold


def check_decision(v, quote_bytes, certificate_bytes):
    data = bytes.fromhex(v["decision"]["encoded"])
    expected = b"\x01\x04" + quote_bytes
    if not data.startswith(expected):
        raise Fail("decision does not start with prefix + quote")
    r = Reader(data)
    r.pos = len(expected)
    outcome = r.u8()
    r.i64()
    has_cert = r.u8()
    if (outcome == 1) != (has_cert == 1) or data[r.pos :] != (certificate_bytes if has_cert else b""):
        raise Fail("decision inconsistent with its certificate")


def main():
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("v1.json")
    v = json.loads(path.read_text())
    try:
        check_keys(v)
        quote_bytes, quote_id = check_quote(v)
        check_observation_batch(v)
        check_vote_batch(v)
        entries, threshold = check_certificate(v, quote_id)
        check_decision(v, quote_bytes, bytes.fromhex(v["certificate"]["encoded"]))
    except (Fail, ValueError, KeyError) as e:
        print(f"FAIL: {e}")
        return 1
    print(f"OK: quote id {quote_id.hex()}, certificate {entries} entries >= threshold {threshold}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
