//! Test hooks for end-to-end tests, active only with `api.test_hooks: true`
//! (`MDNODE_API_TEST_HOOKS=true`). With the request header `X-Mdnode-Test-Hook: tamper-certificate`,
//! `GET /api/v1/quotes/{id}` answers with one certificate signature broken, so a test can check that
//! a client (the web UI) marks the certificate invalid. Without the option or the header, requests
//! pass through untouched.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use serde_json::Value;

use super::ApiState;

/// The request header that selects a hook.
pub(crate) const HEADER: &str = "x-mdnode-test-hook";
/// The header value of the tampered-certificate hook.
pub(crate) const TAMPER_CERTIFICATE: &str = "tamper-certificate";

/// Middleware (`actix_web::middleware::from_fn`) applying the hook a request asks for.
pub(crate) async fn hooks(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let enabled = req
        .app_data::<web::Data<ApiState>>()
        .is_some_and(|s| s.test_hooks);
    let tamper = enabled
        && req.method() == Method::GET
        && is_quote_path(req.path())
        && req
            .headers()
            .get(HEADER)
            .is_some_and(|v| v.as_bytes() == TAMPER_CERTIFICATE.as_bytes());
    let res = next.call(req).await?;
    if !tamper || !res.status().is_success() {
        return Ok(res.map_into_boxed_body());
    }
    let (http_req, res) = res.into_parts();
    let status = res.status();
    let bytes = actix_web::body::to_bytes(res.into_body())
        .await
        .map_err(|e| actix_web::error::ErrorInternalServerError(e.into().to_string()))?;
    let mut quote: Value =
        serde_json::from_slice(&bytes).map_err(actix_web::error::ErrorInternalServerError)?;
    if tamper_certificate(&mut quote) {
        tracing::warn!(path = %http_req.path(), "test hook: serving a tampered certificate");
    }
    Ok(ServiceResponse::new(
        http_req,
        HttpResponse::build(status).json(quote),
    ))
}

/// Whether `path` is `/api/v1/quotes/{id}`.
fn is_quote_path(path: &str) -> bool {
    path.strip_prefix("/api/v1/quotes/")
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}

/// Breaks the first signature of the quote's certificate by flipping one bit of its first hex
/// digit. Returns false (and changes nothing) when there is no certificate entry to break.
pub(crate) fn tamper_certificate(quote: &mut Value) -> bool {
    let Some(Value::String(sig)) = quote.pointer_mut("/certificate/entries/0/signature") else {
        return false;
    };
    let Some(digit) = sig.chars().next().and_then(|c| c.to_digit(16)) else {
        return false;
    };
    let Some(flipped) = char::from_digit(digit ^ 1, 16) else {
        return false;
    };
    sig.replace_range(..1, &flipped.to_string());
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn flips_one_bit_of_the_first_signature_only() {
        let mut q = json!({"id": "ab", "certificate": {"entries": [
            {"signature": "0f00"}, {"signature": "0f00"}
        ]}});
        assert!(tamper_certificate(&mut q));
        assert_eq!(q["certificate"]["entries"][0]["signature"], "1f00");
        assert_eq!(q["certificate"]["entries"][1]["signature"], "0f00");
        assert!(tamper_certificate(&mut q));
        assert_eq!(q["certificate"]["entries"][0]["signature"], "0f00");
    }

    #[test]
    fn leaves_quotes_without_a_certificate_alone() {
        for mut q in [
            json!({"certificate": null}),
            json!({"certificate": {"entries": []}}),
            json!({"certificate": {"entries": [{"signature": ""}]}}),
            json!({}),
        ] {
            let before = q.clone();
            assert!(!tamper_certificate(&mut q));
            assert_eq!(q, before);
        }
    }

    #[test]
    fn matches_only_single_quote_paths() {
        assert!(is_quote_path("/api/v1/quotes/9f00"));
        assert!(!is_quote_path("/api/v1/quotes/"));
        assert!(!is_quote_path("/api/v1/quotes"));
        assert!(!is_quote_path("/api/v1/quotes/9f/votes"));
        assert!(!is_quote_path("/api/v1/sources/x"));
    }
}
