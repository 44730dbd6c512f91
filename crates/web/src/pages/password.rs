//! `/password`: changing one's password, which a new or reset user must do before anything
//! else.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Layout, Shown, csrf_refusal, internal_error, render, shown, signed_in};
use crate::session;
use crate::{Shared, client, csrf, documents};

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    layout: Layout,
    csrf: String,
    forced: bool,
    error: Option<Shown>,
}

/// `GET /password`.
pub(crate) async fn get(State(web): State<Shared>, headers: HeaderMap) -> Response {
    let (_, token, forced) = match signed_in(&web, &headers).await {
        Ok(signed_in) => signed_in,
        Err(response) => return response,
    };
    let page = PasswordPage {
        layout: Layout::anonymous(),
        csrf: csrf::form_token(&token),
        forced,
        error: None,
    };
    render(StatusCode::OK, &page)
}

/// The password form.
#[derive(Deserialize)]
pub(crate) struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
    csrf: Option<String>,
}

/// `POST /password`: `changePassword`.
pub(crate) async fn post(
    State(web): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Response {
    if let Some(refused) = csrf_refusal(session::session_token(&headers), form.csrf.as_deref()) {
        return refused;
    }
    let (visitor, token, forced) = match signed_in(&web, &headers).await {
        Ok(signed_in) => signed_in,
        Err(response) => return response,
    };
    let page = |error: Shown| PasswordPage {
        layout: Layout::anonymous(),
        csrf: csrf::form_token(&token),
        forced,
        error: Some(error),
    };
    // A typing slip, caught before the API is asked: not a rule about passwords.
    if form.new_password != form.confirm_password {
        let error = Shown {
            message: "the new password and its confirmation differ".to_owned(),
            code: "VALIDATION".to_owned(),
            reasons: Vec::new(),
        };
        return render(StatusCode::UNPROCESSABLE_ENTITY, &page(error));
    }
    let answer: Result<serde_json::Value, _> = client::run(
        &web,
        &visitor.viewer,
        documents::CHANGE_PASSWORD,
        serde_json::json!({
            "currentPassword": form.current_password,
            "newPassword": form.new_password,
        }),
        None,
    )
    .await;
    match answer {
        Ok(_) => Redirect::to("/").into_response(),
        Err(failures) => match shown(&failures) {
            Some(error) => render(super::status_for(&error.code), &page(error)),
            None => internal_error(),
        },
    }
}
