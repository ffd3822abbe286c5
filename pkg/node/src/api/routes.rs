//! The route table: one list both registers every route and names it (method, path), so the
//! OpenAPI check can compare the document with what is really served. Routes under `/api/v1` go
//! into one scope with the API middleware (rate limit, CORS); the others (`/health`, `/ready`,
//! `/metrics`) are served as they are.

use actix_web::web;

use super::{changes, handlers, metrics, openapi, peers, prices, scripts, sources, stream};

/// Prefix of the versioned API (rate limited, CORS).
pub(crate) const API_PREFIX: &str = "/api/v1";

macro_rules! route_table {
    ($($method:ident $path:literal => $handler:path,)*) => {
        /// Every route as (lower-case method, full path template).
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        /// Registers the routes outside `/api/v1` on `cfg` and returns the `/api/v1` scope with
        /// the others (the caller wraps it in the API middleware).
        pub(crate) fn register(cfg: &mut web::ServiceConfig) -> actix_web::Scope {
            let mut api = web::scope(API_PREFIX);
            $(
                match $path.strip_prefix(API_PREFIX) {
                    Some(rest) => api = api.route(rest, web::$method().to($handler)),
                    None => {
                        cfg.route($path, web::$method().to($handler));
                    }
                }
            )*
            api
        }
    };
}

route_table! {
    get "/health" => handlers::health,
    get "/ready" => handlers::ready,
    get "/metrics" => metrics::metrics,
    get "/api/v1/openapi.json" => openapi::document,
    get "/api/v1/status" => handlers::status,
    get "/api/v1/peers" => peers::peers,
    get "/api/v1/symbols" => peers::symbols,
    get "/api/v1/quotes" => handlers::quotes,
    get "/api/v1/quotes/{id}" => handlers::quote,
    get "/api/v1/sources" => sources::sources,
    get "/api/v1/sources/{name}/scores" => sources::score_history,
    get "/api/v1/prices" => prices::prices,
    post "/api/v1/sources/{name}/pause" => changes::pause,
    post "/api/v1/sources/{name}/resume" => changes::resume,
    post "/api/v1/sources/{name}/promote" => changes::promote,
    get "/api/v1/stream" => stream::stream,
    get "/api/v1/scripts" => scripts::list,
    post "/api/v1/scripts" => scripts::publish,
    post "/api/v1/scripts/{hash}/install" => scripts::install,
    post "/api/v1/scripts/{hash}/trust" => scripts::trust,
}
