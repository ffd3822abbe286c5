//! Turning a handler's JSON answer into an HTTP response, with the whole-response fault effects
//! applied: delay (`slow`), 503 with the venue's error body (`fail`), invalid JSON (`garbage`).

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use serde_json::{Value, json};

use super::state::Effects;
use crate::venue::Venue;

/// Appended to a cut JSON body to make sure it does not parse.
const GARBAGE_TAIL: &str = "<<simex: garbage>>";

/// A JSON response with `status` and `body`.
pub(crate) fn json(status: StatusCode, body: &Value) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("application/json")
        .body(body.to_string())
}

/// Applies `effects` to the answer `(status, body)` of a `venue` endpoint.
pub(crate) async fn finish(
    venue: Venue,
    effects: Effects,
    status: StatusCode,
    body: Value,
) -> HttpResponse {
    if !effects.delay.is_zero() {
        actix_web::rt::time::sleep(effects.delay).await;
    }
    if effects.fail {
        return json(StatusCode::SERVICE_UNAVAILABLE, &unavailable_body(venue));
    }
    if effects.garbage {
        return HttpResponse::Ok()
            .content_type("application/json")
            .body(garbage(&body.to_string()));
    }
    json(status, &body)
}

/// The first half of a JSON text followed by a marker: never valid JSON.
pub(crate) fn garbage(text: &str) -> String {
    let mut cut = text.len() / 2;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}{GARBAGE_TAIL}", &text[..cut])
}

/// The body each venue sends with HTTP 503.
pub(crate) fn unavailable_body(venue: Venue) -> Value {
    match venue {
        Venue::Binance => json!({
            "code": -1001,
            "msg": "Internal error; unable to process your request. Please try again."
        }),
        Venue::Coinbase => json!({ "message": "Service Unavailable" }),
        Venue::Kraken => json!({ "error": ["EService:Unavailable"] }),
        Venue::Bitstamp => json!({ "errors": [{ "message": "Service unavailable" }] }),
        Venue::Okx => json!({
            "code": "50001",
            "msg": "Service temporarily unavailable. Please try again later.",
            "data": []
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn garbage_never_parses(v in proptest::collection::vec("[a-z€]{0,5}", 0..6)) {
            let text = json!({ "v": v }).to_string();
            prop_assert!(serde_json::from_str::<Value>(&garbage(&text)).is_err());
        }
    }
}
