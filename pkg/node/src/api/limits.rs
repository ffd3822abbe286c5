//! The API's middleware settings: a per-client-address rate limit (`api.rate_limit_per_sec`,
//! `actix-governor`) answering 429 with the JSON error shape, and CORS (`actix-cors`), off unless
//! `api.cors_origins` lists origins.

use std::net::IpAddr;
use std::sync::Arc;

use actix_cors::Cors;
use actix_governor::governor::NotUntil;
use actix_governor::governor::clock::{Clock, DefaultClock, QuantaInstant};
use actix_governor::governor::middleware::NoOpMiddleware;
use actix_governor::{
    GovernorConfig, GovernorConfigBuilder, KeyExtractor, PeerIpKeyExtractor,
    SimpleKeyExtractionError,
};
use actix_web::dev::ServiceRequest;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, HttpResponseBuilder};

use super::error::error_response;
use crate::metrics::Metrics;

/// Rate limit key: the client's address; refusals answer the API's JSON error and are counted.
#[derive(Clone)]
pub(crate) struct ClientAddress {
    metrics: Arc<Metrics>,
}

impl KeyExtractor for ClientAddress {
    type Key = IpAddr;
    type KeyExtractionError = SimpleKeyExtractionError<&'static str>;

    fn extract(&self, req: &ServiceRequest) -> Result<Self::Key, Self::KeyExtractionError> {
        PeerIpKeyExtractor.extract(req)
    }

    fn exceed_rate_limit_response(
        &self,
        negative: &NotUntil<QuantaInstant>,
        _response: HttpResponseBuilder,
    ) -> HttpResponse {
        self.metrics.api_rate_limited.inc();
        let wait = negative.wait_time_from(DefaultClock::default().now());
        let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        let mut response = error_response(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            format!("too many requests from this address: retry in {secs} s"),
        );
        if let Ok(value) = header::HeaderValue::from_str(&secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// The rate limiter: `per_sec` requests per second per client address, bursts up to `per_sec`.
pub(crate) fn rate_limit(
    per_sec: u32,
    metrics: Arc<Metrics>,
) -> GovernorConfig<ClientAddress, NoOpMiddleware> {
    let per_sec = per_sec.max(1);
    GovernorConfigBuilder::default()
        .requests_per_second(u64::from(per_sec))
        .burst_size(per_sec)
        .key_extractor(ClientAddress { metrics })
        .finish()
        .expect("a positive rate and burst make a valid governor config")
}

/// CORS for `origins` (`*` allows any origin); `None` when the list is empty (CORS off).
pub(crate) fn cors(origins: &[String]) -> Option<Cors> {
    if origins.is_empty() {
        return None;
    }
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
        .max_age(3600);
    for origin in origins {
        cors = if origin == "*" {
            cors.allow_any_origin()
        } else {
            cors.allowed_origin(origin)
        };
    }
    Some(cors)
}
