//! `GET /api/v1/peers` (validators and connected peers with their gossip scores) and
//! `GET /api/v1/symbols` (last validated price per symbol).

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::ApiState;
use super::dto::{peer_id_text, rfc3339};
use super::error::ApiError;

pub(crate) async fn peers(state: web::Data<ApiState>) -> Result<HttpResponse, ApiError> {
    let connected = state.network.connected_peers().await.unwrap_or_default();
    let mut rows: BTreeMap<String, serde_json::Value> = BTreeMap::new();
    for key in state.validators.keys() {
        let peer_id = peer_id_text(key);
        rows.insert(
            peer_id.clone(),
            json!({"key": key.to_hex(), "peer_id": peer_id, "validator": true,
                   "self": *key == state.public_key, "connected": false, "gossip_score": null}),
        );
    }
    for peer in connected {
        let score = state.network.peer_score(peer).await.ok().flatten();
        let key = mdn_identity::public_key_of_peer(&peer);
        let row = rows.entry(peer.to_string()).or_insert_with(|| {
            json!({"key": key.map(|k| k.to_hex()), "peer_id": peer.to_string(), "validator": false,
                   "self": false})
        });
        row["connected"] = json!(true);
        row["gossip_score"] = json!(score);
    }
    Ok(HttpResponse::Ok().json(json!({"items": rows.into_values().collect::<Vec<_>>(), "next": null})))
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
