//! `/signin` and `/signout`.

use std::net::SocketAddr;
use std::sync::Arc;

use askama::Template;
use axum::Form;
use axum::extract::{ConnectInfo, State};
use axum::http::{Extensions, HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use cordtrace_api::{ClientAddress, Viewer};
use serde::Deserialize;

use super::{Layout, Shown, csrf_refusal, internal_error, render, shown, status_for};
use crate::session::{self, SESSION_COOKIE, SIGNIN_COOKIE};
use crate::{Shared, Web, client, csrf, documents};

#[derive(Template)]
#[template(path = "signin.html")]
struct SignInPage {
    layout: Layout,
    csrf: String,
    username: String,
    error: Option<Shown>,
}

/// `GET /signin`: the form, bound to a fresh sign-in nonce.
pub(crate) async fn get(State(web): State<Shared>, headers: HeaderMap) -> Response {
    if let Ok(visitor) = session::visitor(&web, &headers).await
        && matches!(visitor.viewer, Viewer::Session(_))
    {
        return Redirect::to("/").into_response();
    }
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let page = SignInPage {
        layout: Layout::anonymous(),
        csrf: csrf::token_for(&nonce),
        username: String::new(),
        error: None,
    };
    let mut response = render(StatusCode::OK, &page);
    if let Some(cookie) = session::set_cookie(&web, SIGNIN_COOKIE, &nonce) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}

/// The sign-in form.
#[derive(Deserialize)]
pub(crate) struct SignInForm {
    username: String,
    password: String,
    csrf: Option<String>,
}

#[derive(Deserialize)]
struct SignInData {
    login: Token,
}

#[derive(Deserialize)]
struct Token {
    token: String,
}

/// The address the connection came from, as the HTTP server recorded it.
fn client_address(extensions: &Extensions) -> Option<ClientAddress> {
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(address)| ClientAddress(address.ip()))
}

/// `POST /signin`: `login` with the client's address; the token goes into the session cookie.
pub(crate) async fn post(
    State(web): State<Shared>,
    headers: HeaderMap,
    extensions: Extensions,
    Form(form): Form<SignInForm>,
) -> Response {
    let nonce = session::cookie(&headers, SIGNIN_COOKIE);
    if let Some(refused) = csrf_refusal(nonce, form.csrf.as_deref()) {
        return refused;
    }
    let answer: Result<SignInData, _> = client::run(
        &web,
        &Viewer::Anonymous,
        documents::SIGN_IN,
        serde_json::json!({ "username": form.username, "password": form.password }),
        client_address(&extensions),
    )
    .await;
    match answer {
        Ok(data) => signed_in(&web, &data.login.token),
        Err(failures) => {
            let error = shown(&failures);
            let status = error
                .as_ref()
                .map_or(StatusCode::INTERNAL_SERVER_ERROR, |error| {
                    status_for(&error.code)
                });
            let page = SignInPage {
                layout: Layout::anonymous(),
                csrf: form.csrf.unwrap_or_default(),
                username: form.username,
                error,
            };
            render(status, &page)
        }
    }
}

fn signed_in(web: &Web, token: &str) -> Response {
    let mut response = Redirect::to("/").into_response();
    let (Some(session), Some(nonce)) = (
        session::set_cookie(web, SESSION_COOKIE, token),
        session::clear_cookie(web, SIGNIN_COOKIE),
    ) else {
        return internal_error();
    };
    response.headers_mut().append(header::SET_COOKIE, session);
    response.headers_mut().append(header::SET_COOKIE, nonce);
    response
}

/// A form that carries only its CSRF token.
#[derive(Deserialize)]
pub(crate) struct TokenForm {
    csrf: Option<String>,
}

/// `POST /signout`: `logout`, then the cookie is cleared.
pub(crate) async fn signout(
    State(web): State<Arc<Web>>,
    headers: HeaderMap,
    Form(form): Form<TokenForm>,
) -> Response {
    let Some(token) = session::session_token(&headers) else {
        return Redirect::to("/signin").into_response();
    };
    if let Some(refused) = csrf_refusal(Some(token), form.csrf.as_deref()) {
        return refused;
    }
    let Ok(visitor) = session::visitor(&web, &headers).await else {
        return internal_error();
    };
    // A session that already ended has nothing to end; the cookie goes either way.
    let _: Result<serde_json::Value, _> = client::run(
        &web,
        &visitor.viewer,
        documents::SIGN_OUT,
        serde_json::json!({}),
        None,
    )
    .await;
    let mut response = Redirect::to("/signin").into_response();
    if let Some(cookie) = session::clear_cookie(&web, SESSION_COOKIE) {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    response
}
