//! The ledger as an auditor reads it: `/ledger`, every entry the viewer may read in order,
//! filterable by action, and `/custody/{kind}/{id}`, one subject's chain of custody as a
//! timeline. Both show who (role and printed name), what (the action and every subject, each
//! linking to its own chain), when (in the facility's zone) and the signature's manifestation.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use cordtrace_domain::subject::SubjectKind;
use serde::Deserialize;
use serde_json::json;

use super::{Layout, Shell, error_page, render, shell};
use crate::{Shared, Web, client, documents};

#[derive(Template)]
#[template(path = "ledger.html")]
struct LedgerPage {
    layout: Layout,
    /// What the page shows: the whole ledger, or one subject's chain.
    title: String,
    /// The action filtered by (the whole ledger only).
    action: Option<String>,
    /// The subject of a chain of custody.
    subject: Option<(String, String)>,
    /// The subject kinds offered by the filter, and the one chosen.
    subject_kinds: &'static [SubjectKind],
    subject_kind: String,
    subject_id: String,
    /// Why the subject filter was not followed.
    subject_problem: Option<&'static str>,
    entries: Vec<EntryShown>,
    /// The link to the next page, if there is one.
    next: Option<String>,
}

struct EntryShown {
    seq: i64,
    recorded_at: String,
    who: String,
    action: String,
    subjects: Vec<(String, String)>,
    signature: String,
    hash: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LedgerData {
    ledger_entries: Connection,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CustodyData {
    chain_of_custody: Connection,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Connection {
    page_info: PageInfo,
    nodes: Vec<Entry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PageInfo {
    has_next_page: bool,
    end_cursor: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    seq: i64,
    recorded_at: String,
    actor: Actor,
    action: String,
    subjects: Vec<Subject>,
    signature: Option<Signature>,
    hash: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Actor {
    kind: String,
    user_id: Option<String>,
    role: Option<String>,
}

#[derive(Deserialize)]
struct Subject {
    kind: String,
    id: String,
}

#[derive(Deserialize)]
struct Signature {
    manifestation: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserData {
    user: UserName,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UserName {
    printed_name: String,
    username: String,
}

/// `?action=&after=`, or `?subject_kind=&subject_id=` for one subject's chain of custody.
#[derive(Deserialize)]
pub(crate) struct LedgerQuery {
    #[serde(default)]
    action: String,
    after: Option<String>,
    #[serde(default)]
    subject_kind: String,
    #[serde(default)]
    subject_id: String,
}

/// The chain of custody a subject filter names, or why it names none. Every subject is
/// identified by a UUID, so anything else is refused before the API is asked.
fn custody_link(kind: &str, id: &str) -> Result<String, &'static str> {
    let kind = SubjectKind::parse(kind).ok_or("Choose the kind of subject.")?;
    let id = uuid::Uuid::parse_str(id).map_err(
        |_| "A subject is named by its identifier, a UUID such as the one a link shows.",
    )?;
    Ok(format!("/custody/{}/{id}", kind.as_str()))
}

/// `?after=`.
#[derive(Deserialize)]
pub(crate) struct PageQuery {
    after: Option<String>,
}

/// `GET /ledger`.
pub(crate) async fn get(
    State(web): State<Shared>,
    headers: HeaderMap,
    Query(query): Query<LedgerQuery>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let subject_id = query.subject_id.trim();
    let subject_problem = if subject_id.is_empty() {
        None
    } else {
        match custody_link(&query.subject_kind, subject_id) {
            Ok(link) => return Redirect::to(&link).into_response(),
            Err(problem) => Some(problem),
        }
    };
    let action = Some(query.action.trim().to_owned()).filter(|action| !action.is_empty());
    let answer: Result<LedgerData, _> = client::run(
        &web,
        &shell.visitor.viewer,
        documents::LEDGER_ENTRIES,
        json!({ "after": query.after, "action": action }),
        None,
    )
    .await;
    let connection = match answer {
        Ok(data) => data.ledger_entries,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let next = next_link(&connection, |cursor| {
        let query = serde_urlencoded::to_string([
            ("action", action.as_deref().unwrap_or_default()),
            ("after", cursor),
        ])
        .unwrap_or_default();
        format!("/ledger?{query}")
    });
    let entries = shown(&web, &shell, connection.nodes).await;
    let status = if subject_problem.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    render(
        status,
        &LedgerPage {
            layout: shell.layout(),
            title: "Ledger".to_owned(),
            action,
            subject: None,
            subject_kinds: &SubjectKind::ALL,
            subject_kind: query.subject_kind,
            subject_id: subject_id.to_owned(),
            subject_problem,
            entries,
            next,
        },
    )
}

/// `GET /custody/{kind}/{id}`.
pub(crate) async fn custody(
    State(web): State<Shared>,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
) -> Response {
    let shell = match shell(&web, &headers).await {
        Ok(shell) => shell,
        Err(response) => return response,
    };
    let answer: Result<CustodyData, _> = client::run(
        &web,
        &shell.visitor.viewer,
        documents::CHAIN_OF_CUSTODY,
        json!({ "kind": kind, "id": id, "after": query.after }),
        None,
    )
    .await;
    let connection = match answer {
        Ok(data) => data.chain_of_custody,
        Err(failures) => return error_page(Some(shell.layout()), &failures),
    };
    let next = next_link(&connection, |cursor| {
        format!("/custody/{kind}/{id}?after={cursor}")
    });
    let entries = shown(&web, &shell, connection.nodes).await;
    render(
        StatusCode::OK,
        &LedgerPage {
            layout: shell.layout(),
            title: format!("Chain of custody of {kind} {id}"),
            action: None,
            subject: Some((kind, id)),
            subject_kinds: &SubjectKind::ALL,
            subject_kind: String::new(),
            subject_id: String::new(),
            subject_problem: None,
            entries,
            next,
        },
    )
}

fn next_link(connection: &Connection, link: impl FnOnce(&str) -> String) -> Option<String> {
    connection
        .page_info
        .end_cursor
        .as_deref()
        .filter(|_| connection.page_info.has_next_page)
        .map(link)
}

/// The entries as shown, each actor by printed name where the viewer may read users (by id
/// otherwise: the ledger holds the id, not the name).
async fn shown(web: &Web, shell: &Shell, entries: Vec<Entry>) -> Vec<EntryShown> {
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for id in entries
        .iter()
        .filter_map(|entry| entry.actor.user_id.as_ref())
    {
        if names.contains_key(id) {
            continue;
        }
        let name = client::run::<UserData>(
            web,
            &shell.visitor.viewer,
            documents::USER_NAME,
            json!({ "id": id }),
            None,
        )
        .await
        .map_or_else(
            |_| format!("user {id}"),
            |data| format!("{} ({})", data.user.printed_name, data.user.username),
        );
        names.insert(id.clone(), name);
    }
    entries
        .into_iter()
        .map(|entry| {
            let who = match (&entry.actor.user_id, &entry.actor.role) {
                (Some(id), role) => format!(
                    "{}{}",
                    names.get(id).map_or(id.as_str(), String::as_str),
                    role.as_deref()
                        .map(|role| format!(", as {role}"))
                        .unwrap_or_default()
                ),
                (None, _) => entry.actor.kind.clone(),
            };
            EntryShown {
                seq: entry.seq,
                recorded_at: shell.time.show(&entry.recorded_at),
                who,
                action: entry.action,
                subjects: entry
                    .subjects
                    .into_iter()
                    .map(|subject| (subject.kind, subject.id))
                    .collect(),
                signature: entry
                    .signature
                    .map(|signature| shell.time.in_text(&signature.manifestation))
                    .unwrap_or_default(),
                hash: entry.hash,
            }
        })
        .collect()
}
