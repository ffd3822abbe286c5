//! The OpenAPI 3 document of the API (`GET /api/v1/openapi.json`), generated with `utoipa` from
//! the handlers' annotations and the DTOs' `ToSchema`. A test checks it against the route table.

use std::sync::OnceLock;

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::dto::{
    CountersJson, CountsJson, HealthJson, LatencyJson, PausedJson, QuoteDetailJson, QuoteJson,
    QuotePage, ShadowJson, StageJson, StageLatencyJson, StatusJson, ValidatorJson, VoteJson,
};
use super::error::{ErrorBody, ErrorDetail};
use super::peers::{SymbolJson, SymbolPage};
use super::prices::{PricePage, PricePointJson};
use super::scripts::PublishBody;
use super::sources::{
    LastEventJson, ScoreHistoryPage, ScoreJson, ScorePointJson, SourceJson, SourcePage,
    SymbolScoreJson,
};
use super::{changes, handlers, metrics, peers, prices, scripts, sources, stream};

/// Routes served but not documented yet (empty: every route is documented). Kept so that a new
/// route can be listed here while its annotation is pending; the test keeps this list honest.
pub const UNDOCUMENTED: &[(&str, &str)] = &[];

/// The document.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "mdnode API",
        description = "HTTP API of an mdnode validator node (see docs/api.md). Errors are \
            `{\"error\": {\"code\", \"message\"}}`; requests over `api.rate_limit_per_sec` get 429 \
            `rate_limited`."
    ),
    paths(
        handlers::health,
        handlers::ready,
        metrics::metrics,
        document,
        handlers::status,
        handlers::quotes,
        handlers::quote,
        changes::pause,
        changes::resume,
        changes::promote,
        peers::peers,
        peers::symbols,
        sources::sources,
        sources::score_history,
        prices::prices,
        scripts::list,
        scripts::publish,
        scripts::install,
        scripts::trust,
        stream::stream,
    ),
    components(schemas(
        ErrorBody,
        ErrorDetail,
        HealthJson,
        StatusJson,
        ValidatorJson,
        CountsJson,
        CountersJson,
        LatencyJson,
        StageLatencyJson,
        StageJson,
        QuoteJson,
        QuotePage,
        QuoteDetailJson,
        VoteJson,
        PausedJson,
        ShadowJson,
        SymbolJson,
        SymbolPage,
        PricePointJson,
        PricePage,
        ScorePointJson,
        ScoreHistoryPage,
        ScoreJson,
        SymbolScoreJson,
        LastEventJson,
        SourceJson,
        SourcePage,
        PublishBody,
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "read", description = "Read endpoints"),
        (name = "changes", description = "Operator changes (bearer token)"),
        (name = "stream", description = "Live event stream (WebSocket)"),
        (name = "operations", description = "Health, readiness, metrics, this document"),
    )
)]
pub(crate) struct ApiDoc;

/// Declares the `bearer` security scheme used by the changes.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document as JSON text (built once).
pub(crate) fn json() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        ApiDoc::openapi()
            .to_json()
            .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    })
}

/// This OpenAPI 3 document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations",
    responses((status = 200, description = "OpenAPI 3 document", content_type = "application/json")))]
pub(crate) async fn document() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(json())
}

/// (method, path) of every documented operation.
pub fn documented_operations(doc: &serde_json::Value) -> Vec<(String, String)> {
    const METHODS: [&str; 8] = [
        "get", "post", "put", "delete", "patch", "head", "options", "trace",
    ];
    let mut ops = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in METHODS {
                if item.get(method).is_some() {
                    ops.push((method.to_owned(), path.clone()));
                }
            }
        }
    }
    ops.sort();
    ops
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::api::routes::ROUTES;

    fn owned(list: &[(&str, &str)]) -> BTreeSet<(String, String)> {
        list.iter()
            .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
            .collect()
    }

    #[test]
    fn the_document_matches_the_route_table() {
        let doc: serde_json::Value = serde_json::from_str(json()).expect("valid JSON");
        assert!(doc["openapi"].as_str().unwrap_or("").starts_with("3."));
        let documented: BTreeSet<_> = documented_operations(&doc).into_iter().collect();
        let undocumented = owned(UNDOCUMENTED);
        let registered: BTreeSet<_> = owned(ROUTES).difference(&undocumented).cloned().collect();
        let missing: Vec<_> = registered.difference(&documented).collect();
        let extra: Vec<_> = documented.difference(&registered).collect();
        assert!(missing.is_empty(), "served but not documented: {missing:?}");
        assert!(extra.is_empty(), "documented but not served: {extra:?}");
        // The TODO list names only routes that exist, and none that is documented already.
        assert!(
            undocumented.is_subset(&owned(ROUTES)),
            "stale UNDOCUMENTED entry"
        );
        assert!(
            undocumented.is_disjoint(&documented),
            "documented: drop it from UNDOCUMENTED"
        );
    }

    #[test]
    fn responses_reference_defined_schemas() {
        let doc: serde_json::Value = serde_json::from_str(json()).expect("valid JSON");
        let schemas = doc["components"]["schemas"].as_object().expect("schemas");
        let text = json();
        for (start, _) in text.match_indices("#/components/schemas/") {
            let rest = &text[start + "#/components/schemas/".len()..];
            let name: String = rest.chars().take_while(|c| *c != '"').collect();
            assert!(schemas.contains_key(&name), "undefined schema {name}");
        }
        assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    }

    #[test]
    fn operations_document_their_errors_parameters_and_security() {
        let doc: serde_json::Value = serde_json::from_str(json()).expect("valid JSON");
        for (method, path) in documented_operations(&doc) {
            let op = &doc["paths"][&path][&method];
            let responses = op["responses"].as_object().expect("responses");
            assert!(
                responses.keys().any(|s| s == "200" || s == "101"),
                "{method} {path}: no success response"
            );
            for (status, response) in responses {
                let json_schema = &response["content"]["application/json"]["schema"]["$ref"];
                if status.starts_with('4') || status.starts_with('5') {
                    assert_eq!(
                        json_schema, "#/components/schemas/ErrorBody",
                        "{method} {path} {status}: not an ErrorBody"
                    );
                }
            }
            for param in op["parameters"].as_array().into_iter().flatten() {
                assert!(
                    param["description"].as_str().is_some_and(|d| !d.is_empty()),
                    "{method} {path}: parameter {} has no description",
                    param["name"]
                );
            }
            if method == "post" {
                assert!(
                    op["security"][0]["bearer"].is_array(),
                    "{method} {path}: no bearer security"
                );
                assert!(responses.contains_key("401"), "{method} {path}: no 401");
            }
        }
    }
}
