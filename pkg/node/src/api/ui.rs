//! The web UI, embedded in the binary from `frontend/dist` (built by `npm run build`; `make run`
//! does it). Unknown non-API paths get `index.html` so client-side routes survive a reload. Without
//! a built UI, a short page says how to build it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};

#[derive(rust_embed::RustEmbed)]
#[folder = "$MDNODE_UI_DIST"]
#[allow_missing = true]
struct Assets;

const NOT_BUILT: &str = "<!doctype html><title>mdnode</title><h1>mdnode</h1>\
<p>The web UI is not built into this binary. Build it with <code>cd frontend &amp;&amp; npm ci \
&amp;&amp; npm run build</code> and rebuild <code>mdnode</code> (<code>make run</code> does both).</p>\
<p>The API is at <a href=\"/api/v1/status\">/api/v1/status</a>.</p>";

pub(crate) async fn ui(req: HttpRequest) -> HttpResponse {
    let path = req.path().trim_start_matches('/');
    if path.starts_with("api/") {
        return HttpResponse::NotFound().json(serde_json::json!({
            "error": {"code": "not_found", "message": format!("no API endpoint {}", req.path())}
        }));
    }
    let (name, file) = match Assets::get(path).filter(|_| !path.is_empty()) {
        Some(file) => (path.to_owned(), file),
        None => match Assets::get("index.html") {
            Some(file) => ("index.html".to_owned(), file),
            None => {
                return HttpResponse::Ok()
                    .content_type("text/html; charset=utf-8")
                    .body(NOT_BUILT);
            }
        },
    };
    let mime = mime_guess::from_path(&name).first_or_octet_stream();
    // Vite fingerprints everything under assets/, so those never change; index.html always may.
    let cache = if name.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    HttpResponse::Ok()
        .content_type(mime.as_ref())
        .insert_header((header::CACHE_CONTROL, cache))
        .body(file.data.into_owned())
}
