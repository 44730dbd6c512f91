//! `/users` and `/users/{id}`: the administrator's users. Create one with a temporary
//! password (changed at first sign-in), set the roles, deactivate and reactivate, unlock after
//! failed sign-ins, reset the password. Each form is one mutation; the API decides.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::form::{Fields, Refused};
use super::{Layout, Shell, Shown, error_page, posted_shell, render, shell, status_for};
use crate::{Shared, Web, client, csrf, documents};

/// The roles a user may hold, as the API names them.
const ROLES: [&str; 6] = [
    "TECHNICIAN",
    "ANALYST",
    "QA",
    "CLINICIAN",
    "AUDITOR",
    "ADMIN",
];

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    layout: Layout,
    csrf: String,
    roles: [&'static str; 6],
    users: Vec<UserRecord>,
    refused: Option<Refused>,
}

impl UsersPage {
    fn value<'a>(&'a self, name: &str) -> &'a str {
        self.refused
            .as_ref()
            .and_then(|refused| refused.value("create", name))
            .unwrap_or("")
    }
}

#[derive(Template)]
#[template(path = "user.html")]
struct UserPage {
    layout: Layout,
    csrf: String,
    roles: [&'static str; 6],
    user: UserRecord,
    registered_at: String,
    locked_until: String,
    done: Option<&'static str>,
    refused: Option<Refused>,
}

impl UserPage {
    fn error_of(&self, form: &str) -> Option<&Shown> {
        self.refused
            .as_ref()
            .filter(|refused| refused.form == form)
            .map(|refused| &refused.shown)
    }
}

#[derive(Deserialize)]
struct UsersData {
    users: UserNodes,
}

#[derive(Deserialize)]
struct UserNodes {
    nodes: Vec<UserRecord>,
}

#[derive(Deserialize)]
struct UserData {
    user: UserRecord,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserRecord {
    id: String,
    username: String,
    printed_name: String,
    roles: Vec<String>,
    active: bool,
    must_change_password: bool,
    #[serde(default)]
    failed_logins: i64,
    locked_until: Option<String>,
    #[serde(default)]
    registered_at: String,
}

impl UserRecord {
    fn holds(&self, role: &str) -> bool {
        self.roles.iter().any(|held| held == role)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Created {
    create_user: Id,
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

/// The forms of a user's page, as named in their URL (`/users/{id}/{action}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum UserAction {
    Roles,
    Deactivate,
    Reactivate,
    Unlock,
    ResetPassword,
}

impl UserAction {
    const ALL: [UserAction; 5] = [
        UserAction::Roles,
        UserAction::Deactivate,
        UserAction::Reactivate,
        UserAction::Unlock,
        UserAction::ResetPassword,
    ];

    fn name(self) -> &'static str {
        match self {
            UserAction::Roles => "roles",
            UserAction::Deactivate => "deactivate",
            UserAction::Reactivate => "reactivate",
            UserAction::Unlock => "unlock",
            UserAction::ResetPassword => "reset-password",
        }
    }

    fn done(self) -> &'static str {
        match self {
            UserAction::Roles => "Roles set.",
            UserAction::Deactivate => "User deactivated; their sessions have ended.",
            UserAction::Reactivate => "User reactivated.",
            UserAction::Unlock => "User unlocked.",
            UserAction::ResetPassword => {
                "Password reset; they choose their own at the next sign-in."
            }
        }
    }

    fn request(self, user_id: &str, fields: &Fields) -> (&'static str, Value) {
        match self {
            UserAction::Roles => (
                documents::SET_USER_ROLES,
                json!({ "userId": user_id, "roles": fields.all("roles") }),
            ),
            UserAction::Deactivate => (
                documents::DEACTIVATE_USER,
                json!({ "userId": user_id, "reason": fields.text("reason") }),
            ),
            UserAction::Reactivate => (documents::REACTIVATE_USER, json!({ "userId": user_id })),
            UserAction::Unlock => (documents::UNLOCK_USER, json!({ "userId": user_id })),
            UserAction::ResetPassword => (
                documents::RESET_PASSWORD,
                json!({ "userId": user_id, "temporaryPassword": fields.text("temporary_password") }),
            ),
        }
    }
}

/// `GET /users`.
pub(crate) async fn list(State(web): State<Shared>, headers: HeaderMap) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    list_page(&web, &shell, None).await
}

/// `POST /users`: `createUser`, then the new user's page.
pub(crate) async fn create(
    State(web): State<Shared>,
    headers: HeaderMap,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields(fields);
    let shell = match posted_shell(&web, &headers, &fields).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let answer: Result<Created, _> = client::run(
        &web,
        &shell.visitor.viewer,
        documents::CREATE_USER,
        json!({ "input": {
            "username": fields.text("username"),
            "printedName": fields.text("printed_name"),
            "roles": fields.all("roles"),
            "temporaryPassword": fields.text("temporary_password"),
        }}),
        None,
    )
    .await;
    match answer {
        Ok(created) => {
            Redirect::to(&format!("/users/{}?done=created", created.create_user.id)).into_response()
        }
        Err(failures) => match failures.first() {
            Some(failure) => {
                let refused = Refused {
                    form: "create",
                    fields,
                    shown: Shown::from(failure),
                    field: None,
                };
                list_page(&web, &shell, Some(refused)).await
            }
            None => super::internal_error(),
        },
    }
}

async fn list_page(web: &Web, shell: &Shell, refused: Option<Refused>) -> Response {
    let users: UsersData = match client::run(
        web,
        &shell.visitor.viewer,
        documents::USERS,
        json!({}),
        None,
    )
    .await
    {
        Ok(data) => data,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |refused| status_for(&refused.shown.code));
    render(
        status,
        &UsersPage {
            layout: shell.layout(),
            csrf: csrf::form_token(&shell.token),
            roles: ROLES,
            users: users.users.nodes,
            refused,
        },
    )
}

/// `?done=`.
#[derive(Deserialize)]
pub(crate) struct Done {
    done: Option<String>,
}

/// `GET /users/{id}`.
pub(crate) async fn get(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(done): Query<Done>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let done = done.done.as_deref().and_then(|done| {
        if done == "created" {
            return Some("User created with the temporary password; they choose their own at the first sign-in.");
        }
        UserAction::ALL
            .into_iter()
            .find(|action| action.name() == done)
            .map(UserAction::done)
    });
    user_page(&web, &shell, &id, done, None).await
}

/// `POST /users/{id}/{action}`.
pub(crate) async fn act(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path((id, action)): Path<(String, UserAction)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let fields = Fields(fields);
    let shell = match posted_shell(&web, &headers, &fields).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let (document, variables) = action.request(&id, &fields);
    match client::run::<Value>(&web, &shell.visitor.viewer, document, variables, None).await {
        Ok(_) => Redirect::to(&format!("/users/{id}?done={}", action.name())).into_response(),
        Err(failures) => match failures.first() {
            Some(failure) => {
                let refused = Refused {
                    form: action.name(),
                    fields,
                    shown: Shown::from(failure),
                    field: None,
                };
                user_page(&web, &shell, &id, None, Some(refused)).await
            }
            None => super::internal_error(),
        },
    }
}

async fn user_page(
    web: &Web,
    shell: &Shell,
    id: &str,
    done: Option<&'static str>,
    refused: Option<Refused>,
) -> Response {
    let user = match client::run::<UserData>(
        web,
        &shell.visitor.viewer,
        documents::USER,
        json!({ "id": id }),
        None,
    )
    .await
    {
        Ok(data) => data.user,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let status = refused
        .as_ref()
        .map_or(StatusCode::OK, |refused| status_for(&refused.shown.code));
    render(
        status,
        &UserPage {
            layout: shell.layout(),
            csrf: csrf::form_token(&shell.token),
            roles: ROLES,
            registered_at: shell.time.show(&user.registered_at),
            locked_until: user
                .locked_until
                .as_deref()
                .map(|until| shell.time.show(until))
                .unwrap_or_default(),
            user,
            done,
            refused,
        },
    )
}
