//! The pages: one module per screen, and what they share.

pub(crate) mod bedside;
pub(crate) mod connection;
pub(crate) mod din_check;
pub(crate) mod donations;
pub(crate) mod donor_actions;
pub(crate) mod donors;
pub(crate) mod follow_ups;
pub(crate) mod form;
pub(crate) mod home;
pub(crate) mod lab_worklist;
pub(crate) mod ledger;
pub(crate) mod lineage;
pub(crate) mod lookback;
pub(crate) mod lot;
pub(crate) mod lot_actions;
pub(crate) mod materials;
pub(crate) mod materials_actions;
pub(crate) mod outcomes;
pub(crate) mod password;
pub(crate) mod patient;
pub(crate) mod patient_actions;
pub(crate) mod patients;
pub(crate) mod products;
pub(crate) mod release;
pub(crate) mod release_actions;
pub(crate) mod release_record;
pub(crate) mod scanned;
pub(crate) mod search;
pub(crate) mod signin;
pub(crate) mod specifications;
pub(crate) mod unit;
pub(crate) mod unit_actions;
pub(crate) mod users;
pub(crate) mod verification;

use askama::Template;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::client::{self, Failure, Failures};
pub(crate) use crate::csrf;
use crate::session::{self, Visitor};
use crate::time::FacilityTime;
use crate::{Web, assets, documents};

/// What the layout of every page shows.
pub(crate) struct Layout {
    /// The style sheet's URL.
    pub(crate) css: String,
    /// The signed-in user, on pages past sign-in.
    pub(crate) user: Option<UserBar>,
}

impl Layout {
    /// The layout of a page before sign-in.
    pub(crate) fn anonymous() -> Self {
        Self {
            css: assets::href("app.css"),
            user: None,
        }
    }
}

/// Who is signed in, as the top bar shows them.
pub(crate) struct UserBar {
    pub(crate) printed_name: String,
    pub(crate) username: String,
    pub(crate) roles: Vec<String>,
    pub(crate) time_zone: String,
    /// The CSRF token of this session's forms.
    pub(crate) csrf: String,
}

impl UserBar {
    /// Whether the user holds `role` (to offer only what the role uses; the API decides).
    pub(crate) fn has_role(&self, role: &str) -> bool {
        self.roles.iter().any(|held| held == role)
    }
}

/// `me`, as the documents select it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Me {
    pub(crate) id: String,
    pub(crate) username: String,
    pub(crate) printed_name: String,
    pub(crate) roles: Vec<String>,
    pub(crate) must_change_password: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ShellData {
    me: Me,
    facility: Facility,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Facility {
    time_zone: String,
}

/// A signed-in request past the forced password change: who, in which zone, and its token.
pub(crate) struct Shell {
    pub(crate) visitor: Visitor,
    /// The session token (the CSRF secret).
    pub(crate) token: String,
    pub(crate) me: Me,
    pub(crate) time: FacilityTime,
}

impl Shell {
    /// The layout of a page of this session.
    pub(crate) fn layout(&self) -> Layout {
        Layout {
            css: assets::href("app.css"),
            user: Some(UserBar {
                printed_name: self.me.printed_name.clone(),
                username: self.me.username.clone(),
                roles: self.me.roles.clone(),
                time_zone: self.time.name().to_owned(),
                csrf: csrf::form_token(&self.token),
            }),
        }
    }

    /// Whether the user holds `role` (to hide what a role may not use; the API decides).
    pub(crate) fn has_role(&self, role: &str) -> bool {
        self.me.roles.iter().any(|held| held == role)
    }
}

/// The signed-in visitor and whether they must change the password, or where to go instead.
pub(crate) async fn signed_in(
    web: &Web,
    headers: &HeaderMap,
) -> Result<(Visitor, String, bool), Response> {
    let visitor = session::visitor(web, headers)
        .await
        .map_err(|()| internal_error())?;
    let Some(token) = visitor.token.clone() else {
        return Err(Redirect::to("/signin").into_response());
    };
    let data: MeData = client::run(
        web,
        &visitor.viewer,
        documents::ME,
        serde_json::json!({}),
        None,
    )
    .await
    .map_err(|failures| redirect_or_error(&failures))?;
    Ok((visitor, token, data.me.must_change_password))
}

/// The shell of a request, or the response that sends the person where they must go first:
/// sign-in without a live session, the password page while a password change is required.
pub(crate) async fn shell(web: &Web, headers: &HeaderMap) -> Result<Shell, Response> {
    // `facility` is closed during a forced password change, so ask `me` alone first.
    let (visitor, token, must_change_password) = signed_in(web, headers).await?;
    if must_change_password {
        return Err(Redirect::to("/password").into_response());
    }
    let shell: ShellData = client::run(
        web,
        &visitor.viewer,
        documents::SHELL,
        serde_json::json!({}),
        None,
    )
    .await
    .map_err(|failures| redirect_or_error(&failures))?;
    Ok(Shell {
        visitor,
        token,
        me: shell.me,
        time: FacilityTime::named(&shell.facility.time_zone),
    })
}

/// The shell of a form post whose CSRF token is this session's, checked before anything runs;
/// or the response that refuses the post or sends the person where they must go first.
pub(crate) async fn posted_shell(
    web: &Web,
    headers: &HeaderMap,
    fields: &form::Fields,
) -> Result<Shell, Response> {
    if let Some(refused) = csrf_refusal(session::session_token(headers), Some(fields.text("csrf")))
    {
        return Err(refused);
    }
    shell(web, headers).await
}

/// `{ me }`.
#[derive(Deserialize)]
pub(crate) struct MeData {
    pub(crate) me: Me,
}

/// Where a refusal of a page's read sends the person: sign-in for a dead session, the
/// password page for a required change, an error page otherwise.
pub(crate) fn redirect_or_error(failures: &Failures) -> Response {
    match failures.first() {
        Some(failure) if failure.is_unauthenticated() => Redirect::to("/signin").into_response(),
        Some(failure) if failure.is_password_change_required() => {
            Redirect::to("/password").into_response()
        }
        _ => error_page(None, failures),
    }
}

/// The refusal of a POST whose CSRF token is missing or wrong (403), checked before anything
/// runs; `None` when the token is that of `secret`.
pub(crate) fn csrf_refusal(secret: Option<&str>, presented: Option<&str>) -> Option<Response> {
    match (secret, presented) {
        (Some(secret), Some(presented)) if csrf::verify(secret, presented) => None,
        _ => Some(render(
            StatusCode::FORBIDDEN,
            &Message {
                layout: Layout::anonymous(),
                title: "Request refused".to_owned(),
                lines: vec![
                    "This form was not sent from a cordtrace page of your current session, so \
                     nothing was done (CSRF token missing or wrong)."
                        .to_owned(),
                    "Open the page again and repeat what you were doing.".to_owned(),
                ],
            },
        )),
    }
}

/// The page for a screen the user's roles do not use (403): the web offers it to no one who
/// may not use it, and the API refuses what such a person sends anyway.
pub(crate) fn not_offered(shell: &Shell, what: &str) -> Response {
    render(
        StatusCode::FORBIDDEN,
        &Message {
            layout: shell.layout(),
            title: "Not for your role".to_owned(),
            lines: vec![
                what.to_owned(),
                format!(
                    "You are signed in as {}, so nothing here is offered to you (FORBIDDEN).",
                    shell.me.roles.join(", ")
                ),
            ],
        },
    )
}

/// A page that states something, or why something failed.
#[derive(Template)]
#[template(path = "message.html")]
pub(crate) struct Message {
    pub(crate) layout: Layout,
    pub(crate) title: String,
    pub(crate) lines: Vec<String>,
}

/// An API refusal, shown as a sentence with its codes.
#[derive(Clone, Debug)]
pub(crate) struct Shown {
    pub(crate) message: String,
    pub(crate) code: String,
    pub(crate) reasons: Vec<(String, String)>,
}

impl From<&Failure> for Shown {
    fn from(failure: &Failure) -> Self {
        Self {
            message: failure.message.clone(),
            code: failure.code.clone(),
            reasons: failure
                .reasons
                .iter()
                .map(|reason| (reason.code.clone(), reason.message.clone()))
                .collect(),
        }
    }
}

/// The first failure of an answer, as shown.
pub(crate) fn shown(failures: &Failures) -> Option<Shown> {
    failures.first().map(Shown::from)
}

/// The HTTP status of a page that shows an API refusal with `code`.
pub(crate) fn status_for(code: &str) -> StatusCode {
    match code {
        "VALIDATION" => StatusCode::UNPROCESSABLE_ENTITY,
        "NOT_FOUND" => StatusCode::NOT_FOUND,
        "UNAUTHENTICATED" => StatusCode::UNAUTHORIZED,
        "FORBIDDEN" => StatusCode::FORBIDDEN,
        "CONFLICT" => StatusCode::CONFLICT,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A page for a refusal of the API.
pub(crate) fn error_page(layout: Option<Layout>, failures: &Failures) -> Response {
    let Some(failure) = failures.first() else {
        return internal_error();
    };
    let mut lines = vec![format!("{} ({})", failure.message, failure.code)];
    lines.extend(
        failure
            .reasons
            .iter()
            .map(|reason| format!("{} ({})", reason.message, reason.code)),
    );
    render(
        status_for(&failure.code),
        &Message {
            layout: layout.unwrap_or_else(Layout::anonymous),
            title: "Refused".to_owned(),
            lines,
        },
    )
}

/// The page for a failure on our side, which has been logged.
pub(crate) fn internal_error() -> Response {
    render(
        StatusCode::INTERNAL_SERVER_ERROR,
        &Message {
            layout: Layout::anonymous(),
            title: "Internal error".to_owned(),
            lines: vec![
                "Something failed on the server; it has been logged (INTERNAL).".to_owned(),
            ],
        },
    )
}

/// Renders `template` with `status`.
pub(crate) fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(error) => {
            tracing::error!(%error, "a template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}
