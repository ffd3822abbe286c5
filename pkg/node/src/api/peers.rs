//! `GET /api/v1/peers` (validators and connected peers: connection, gossip score, reputation in
//! this node's and the network's view with its parts, decision counters, equivocation evidence) and `GET /api/v1/symbols` (last validated price per symbol).

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use mdn_protocol::PublicKey;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::ApiState;
use super::dto::{peer_id_text, rfc3339};
use super::error::{ApiError, ErrorBody};
use crate::clock::now_ms;

/// Validators and connected peers, one row each (sorted by peer id).
#[utoipa::path(get, path = "/api/v1/peers", tag = "read",
    responses(
        (status = 200, body = Object, description = "`{\"items\": [row], \"next\": null}`; a row: \
            `key` (hex), `peer_id`, `validator`, `self`, `connected`, `last_seen` (RFC 3339 or null), \
            `evidence_count`, `gossip_score` (null if unknown), `reputation` {`local`, `network`}, \
            `liveness`, `agreement`, `equivocations_seen`, `proposals` {`validated`, `rejected`, \
            `expired`}, `votes` {`agreed`, `disagreed`} (see docs/api.md)"),
        (status = 503, description = "Store unavailable (`store_unavailable`)", body = ErrorBody)))]
pub(crate) async fn peers(state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    let connected = state.network.connected_peers().await.unwrap_or_default();
    let evidence = state.store.evidence(None).await?;
    let evidence_of = |key: &PublicKey| evidence.iter().filter(|e| e.voter == *key).count();
    let reputation = state.reputation.get().peers;
    let stats = state.store.peer_stats().await?;
    let known = state.store.peers().await?;
    let mut rows: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for key in state.validators.keys() {
        let peer_id = peer_id_text(key);
        let me = *key == state.public_key;
        rows.insert(
            peer_id.clone(),
            json!({"key": key.to_hex(), "peer_id": peer_id, "validator": true, "self": me,
                   "connected": me, "last_seen": me.then(|| rfc3339(now_ms())),
                   "evidence_count": evidence_of(key), "gossip_score": null}),
        );
    }
    for peer in connected {
        // Peer ids of ed25519 keys embed the key; others cannot be shown with a key.
        let Some(key) = mdn_identity::public_key_of_peer(&peer) else {
            continue;
        };
        let score = state.network.peer_score(peer).await.ok().flatten();
        let row = rows.entry(peer.to_string()).or_insert_with(|| {
            json!({"key": key.to_hex(), "peer_id": peer.to_string(), "validator": false,
                   "self": false, "evidence_count": evidence_of(&key)})
        });
        row["connected"] = json!(true);
        row["last_seen"] = json!(rfc3339(now_ms()));
        row["gossip_score"] = json!(score);
    }
    for row in rows.values_mut() {
        let Some(key) = row["key"]
            .as_str()
            .and_then(|k| PublicKey::from_hex(k).ok())
        else {
            continue;
        };
        let view = reputation.iter().find(|v| v.peer == key);
        row["reputation"] = json!({
            "local": view.map(|v| v.local),
            "network": view.and_then(|v| v.network),
        });
        row["liveness"] = json!(view.map(|v| v.parts.liveness));
        row["agreement"] = json!(view.map(|v| v.parts.agreement));
        row["equivocations_seen"] = json!(view.map(|v| v.equivocations));
        let stat = stats.iter().find(|s| s.peer == key);
        row["proposals"] = json!({
            "validated": stat.map_or(0, |s| s.proposals_validated),
            "rejected": stat.map_or(0, |s| s.proposals_rejected),
            "expired": stat.map_or(0, |s| s.proposals_expired),
        });
        row["votes"] = json!({
            "agreed": stat.map_or(0, |s| s.votes_agreed),
            "disagreed": stat.map_or(0, |s| s.votes_disagreed),
        });
        if row["last_seen"].is_null()
            && let Some(k) = known.iter().find(|k| k.key == key && k.last_seen_ms > 0)
        {
            row["last_seen"] = json!(rfc3339(k.last_seen_ms));
        }
    }
    Ok(HttpResponse::Ok()
        .json(json!({"items": rows.into_values().collect::<Vec<_>>(), "next": null})))
}

/// A symbol's last validated price.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SymbolJson {
    /// `BASE/QUOTE`.
    symbol: String,
    /// Price of the most recently observed validated quote (decimal text).
    price: String,
    /// When that quote was observed (RFC 3339).
    observed_at: String,
    /// Number of distinct sources with validated quotes of this symbol.
    sources: u32,
    /// Number of validated quotes of this symbol.
    validated: u64,
}

/// Every symbol with validated quotes.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct SymbolPage {
    /// The symbols.
    items: Vec<SymbolJson>,
    /// Always `null` (no paging).
    next: Option<String>,
}

/// Last validated price per symbol.
#[utoipa::path(get, path = "/api/v1/symbols", tag = "read",
    responses(
        (status = 200, body = SymbolPage),
        (status = 503, description = "Store unavailable (`store_unavailable`)", body = ErrorBody)))]
pub(crate) async fn symbols(state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    let items: Vec<_> = state
        .store
        .symbols()
        .await?
        .into_iter()
        .map(|s| SymbolJson {
            symbol: s.symbol.to_string(),
            price: s.last_price.to_string(),
            observed_at: rfc3339(s.last_observed_at_ms),
            sources: s.sources,
            validated: s.validated,
        })
        .collect();
    Ok(HttpResponse::Ok().json(SymbolPage { items, next: None }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_symbol_serialises_with_the_documented_field_names() {
        let page = SymbolPage {
            items: vec![SymbolJson {
                symbol: "ETH/USD".into(),
                price: "2000".into(),
                observed_at: rfc3339(1_000),
                sources: 2,
                validated: 7,
            }],
            next: None,
        };
        let expected = json!({"items": [{"symbol": "ETH/USD", "price": "2000",
            "observed_at": rfc3339(1_000), "sources": 2, "validated": 7}], "next": null});
        assert_eq!(serde_json::to_value(&page).expect("json"), expected);
    }
}
