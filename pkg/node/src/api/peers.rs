//! `GET /api/v1/peers` (validators and connected peers: connection, gossip score, equivocation
//! evidence) and `GET /api/v1/symbols` (last validated price per symbol).

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use mdn_protocol::PublicKey;
use serde_json::json;

use super::ApiState;
use super::dto::{peer_id_text, rfc3339};
use super::error::ApiError;
use crate::clock::now_ms;

pub(crate) async fn peers(state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    let connected = state.network.connected_peers().await.unwrap_or_default();
    let evidence = state.store.evidence(None).await?;
    let evidence_of = |key: &PublicKey| evidence.iter().filter(|e| e.voter == *key).count();
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
    Ok(HttpResponse::Ok()
        .json(json!({"items": rows.into_values().collect::<Vec<_>>(), "next": null})))
}

pub(crate) async fn symbols(state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    let items: Vec<_> = state
        .store
        .symbols()
        .await?
        .into_iter()
        .map(|s| {
            json!({
                "symbol": s.symbol.to_string(),
                "price": s.last_price.to_string(),
                "observed_at": rfc3339(s.last_observed_at_ms),
                "sources": s.sources,
                "validated": s.validated,
            })
        })
        .collect();
    Ok(HttpResponse::Ok().json(json!({"items": items, "next": null})))
}
