//! The cordtrace web application for people: server-rendered pages over the in-process GraphQL
//! API.
//!
//! Architecture invariant: this crate is a client of `cordtrace-api`, never a way around it.
//! Every page reads and writes by executing a GraphQL document of [`documents`] against the
//! in-process schema as the signed-in viewer; access rules, validation, error codes,
//! signatures and ledger entries are the API's. No page or asset refers to another origin.

mod assets;
mod charts;
mod client;
mod csrf;
pub mod documents;
pub mod graphiql;
mod headers;
mod pages;
mod session;
mod submissions;
mod time;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};
use cordtrace_api::{ApiContext, CordSchema};

pub use session::session_token;

/// How the web application is configured.
#[derive(Clone, Copy, Debug, Default)]
pub struct WebSettings {
    /// Marks the session cookie `Secure` (setting `cookie_secure`): on when the installation
    /// is reached over TLS, so the browser never sends the cookie in clear.
    pub cookie_secure: bool,
}

/// What every page handler shares.
pub(crate) struct Web {
    /// The schema every page executes its documents against.
    schema: CordSchema,
    /// The API context, to resolve a session cookie to a viewer.
    api: ApiContext,
    settings: WebSettings,
    /// The form submissions answered, so that each is done once.
    submissions: submissions::Submissions,
}

/// The shared state of the web routes.
pub(crate) type Shared = Arc<Web>;

/// The routes of the web application, with its security headers on every response.
pub fn router(schema: CordSchema, api: ApiContext, settings: WebSettings) -> Router {
    let web = Arc::new(Web {
        schema,
        api,
        settings,
        submissions: submissions::Submissions::default(),
    });
    Router::new()
        .route("/", get(pages::home::get))
        .route("/signin", get(pages::signin::get).post(pages::signin::post))
        .route(
            "/password",
            get(pages::password::get).post(pages::password::post),
        )
        .route("/signout", post(pages::signin::signout))
        .route("/search", get(pages::search::get))
        .route(
            "/patients",
            get(pages::patients::get).post(pages::patients::post),
        )
        .route("/patients/{key}", get(pages::patient::get))
        .route("/patients/{key}/{action}", post(pages::patient::post))
        .route(
            "/bedside",
            get(pages::bedside::get).post(pages::bedside::post),
        )
        .route("/bedside/administer", post(pages::bedside::administer))
        .route("/outcomes", get(pages::outcomes::get))
        .route(
            "/lookback",
            get(pages::lookback::get).post(pages::lookback::recall),
        )
        .route("/release", get(pages::release::queue))
        .route("/release/{lot_id}", get(pages::release::review))
        .route(
            "/release/{lot_id}/{action}",
            post(pages::release_actions::post),
        )
        .route("/materials", get(pages::materials::get))
        .route("/materials/{action}", post(pages::materials::post))
        .route("/ledger", get(pages::ledger::get))
        .route("/custody/{kind}/{id}", get(pages::ledger::custody))
        .route("/lineage/{kind}/{id}", get(pages::lineage::get))
        .route("/verification", get(pages::verification::get))
        .route("/users", get(pages::users::list).post(pages::users::create))
        .route("/users/{id}", get(pages::users::get))
        .route("/users/{id}/{action}", post(pages::users::act))
        .route(
            "/products",
            get(pages::products::list).post(pages::products::define),
        )
        .route("/specifications", get(pages::specifications::list))
        .route(
            "/specifications/import-default",
            post(pages::specifications::import_default),
        )
        .route("/units/{id}", get(pages::unit::get))
        .route("/units/{id}/{action}", post(pages::unit::post))
        .route("/lots/{id}", get(pages::lot::get))
        .route("/lots/{id}/{action}", post(pages::lot::post))
        .route("/measurements/check", get(pages::lot::check))
        .route(
            "/donors",
            get(pages::donors::list).post(pages::donors::register),
        )
        .route("/donors/{id}", get(pages::donors::get))
        .route("/donors/{id}/{action}", post(pages::donors::post))
        .route(
            "/donations",
            get(pages::donations::list).post(pages::donations::register),
        )
        .route("/donations/din-check", get(pages::din_check::get))
        .route("/donations/{id}", get(pages::donations::get))
        .route("/donations/{id}/receive", post(pages::donations::receive))
        .route(
            "/donations/{id}/tissue-processing",
            post(pages::donations::tissue_processing),
        )
        .route("/static/{name}", get(assets::get))
        .layer(axum::middleware::from_fn_with_state(
            web.clone(),
            submissions::once,
        ))
        .layer(axum::middleware::from_fn(headers::secure))
        .with_state(web)
}
