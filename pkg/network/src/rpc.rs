//! Request-response messages for catch-up sync and script fetch (CBOR on the wire).
//!
//! The payloads are opaque here: decisions travel as the node's own encoded bytes, and the node
//! verifies every certificate and script hash it receives.

use std::fmt;

use libp2p::StreamProtocol;
use libp2p::request_response::ResponseChannel;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Stream protocol of the request-response behaviour (1.1.0 added [`Request::ValidatedIds`]).
pub const REQUEST_PROTOCOL: StreamProtocol = StreamProtocol::new("/mdn/req/1.1.0");

/// A request to a peer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Request {
    /// Decisions committed after sequence number `after_seq`, oldest first, at most `limit`.
    Decisions {
        /// Exclusive lower bound of the peer's local decision sequence.
        after_seq: i64,
        /// Most items wanted; the responder may send fewer.
        limit: u32,
    },
    /// The `(seq, quote id)` of the validated decisions committed after sequence number
    /// `after_seq`, oldest first, at most `limit`: a [`Request::Decisions`] page without the
    /// decisions, so that a requester fetches a page in full only when it misses some of it.
    ValidatedIds {
        /// Exclusive lower bound of the peer's local decision sequence.
        after_seq: i64,
        /// Most items wanted; the responder may send fewer.
        limit: u32,
    },
    /// The body of the script whose SHA-256 is `hash`.
    Script {
        /// SHA-256 of the script text.
        #[serde(with = "serde_bytes")]
        hash: [u8; 32],
    },
}

/// A response to a [`Request`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    /// A page of decisions.
    Decisions {
        /// Encoded decisions with their certificates, oldest first (opaque to this crate).
        #[serde(with = "bytes_seq")]
        items: Vec<Vec<u8>>,
        /// Cursor for the next page, `None` when the responder has nothing more.
        next_after_seq: Option<i64>,
    },
    /// A page of validated decision ids.
    ValidatedIds {
        /// The quote ids (32 bytes each), oldest first.
        #[serde(with = "bytes_seq")]
        ids: Vec<Vec<u8>>,
        /// Cursor for the next page, `None` when the responder has nothing more.
        next_after_seq: Option<i64>,
    },
    /// A script body, `None` when the responder does not have it.
    Script {
        /// The script text as bytes.
        #[serde(with = "serde_bytes")]
        body: Option<Vec<u8>>,
    },
    /// The request could not be served.
    Error {
        /// Why, for logs.
        message: String,
    },
}

/// The way to answer one inbound request; pass it to [`crate::NetworkClient::respond`].
///
/// Dropping it without answering makes the requester fail (the stream closes); the requester
/// also times out if no answer comes within its request timeout.
pub struct ResponseHandle {
    pub(crate) channel: ResponseChannel<Response>,
}

impl ResponseHandle {
    /// Whether the requester still waits for the answer.
    pub fn is_open(&self) -> bool {
        self.channel.is_open()
    }
}

impl fmt::Debug for ResponseHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseHandle")
            .field("open", &self.channel.is_open())
            .finish()
    }
}

/// Serialises `Vec<Vec<u8>>` as a sequence of byte strings (not of integers).
mod bytes_seq {
    use super::*;
    use serde_bytes::{ByteBuf, Bytes};

    pub(super) fn serialize<S: Serializer>(items: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(items.iter().map(|item| Bytes::new(item)))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<u8>>, D::Error> {
        let bufs = Vec::<ByteBuf>::deserialize(d)?;
        Ok(bufs.into_iter().map(ByteBuf::into_vec).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_fields_serialise_as_byte_strings() {
        // serde_json renders byte strings as arrays too, but the shape check is what matters:
        // items must be a list of lists, not a flattened list.
        let response = Response::Decisions {
            items: vec![vec![1, 2], vec![]],
            next_after_seq: Some(7),
        };
        let json = serde_json::to_value(&response).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"Decisions": {"items": [[1, 2], []], "next_after_seq": 7}})
        );
        let back: Response = serde_json::from_value(json).unwrap();
        assert_eq!(back, response);
    }

    #[test]
    fn script_request_round_trips() {
        let request = Request::Script { hash: [0xab; 32] };
        let json = serde_json::to_string(&request).unwrap();
        let back: Request = serde_json::from_str(&json).unwrap();
        assert_eq!(back, request);
    }
}
