//! Static assets, embedded in the binary: nothing is read from disk or fetched from elsewhere.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// One embedded file.
struct Asset {
    name: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

/// Every asset. htmx, GraphiQL and React are vendored unmodified from their npm packages
/// (versions and licences in `static/README.md`).
const ASSETS: [Asset; 7] = [
    Asset {
        name: "app.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../static/app.css"),
    },
    Asset {
        name: "htmx.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/htmx.min.js"),
    },
    Asset {
        name: "graphiql.min.css",
        content_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../static/graphiql.min.css"),
    },
    Asset {
        name: "graphiql.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/graphiql.min.js"),
    },
    Asset {
        name: "react.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/react.production.min.js"),
    },
    Asset {
        name: "react-dom.production.min.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/react-dom.production.min.js"),
    },
    Asset {
        name: "graphiql-start.js",
        content_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../static/graphiql-start.js"),
    },
];

/// A short digest of every asset, appended to their URLs (`?v=`) so that a browser may cache
/// them for a year and still load a changed file at once.
static VERSION: LazyLock<String> = LazyLock::new(|| {
    let mut hasher = Sha256::new();
    for asset in &ASSETS {
        hasher.update(asset.bytes);
    }
    hex::encode(&hasher.finalize()[..6])
});

/// The URL of the asset `name`, with its version.
pub(crate) fn href(name: &str) -> String {
    format!("/static/{name}?v={}", *VERSION)
}

/// `GET /static/{name}`.
pub(crate) async fn get(Path(name): Path<String>) -> Response {
    let Some(asset) = ASSETS.iter().find(|asset| asset.name == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let mut response = asset.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    response
}
