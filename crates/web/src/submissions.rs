//! One submission per form: the same form sent twice from one page (a double click, a
//! resubmission after "back", a retry of a request that did reach the server) is done once.
//!
//! A form posted with a page's nonce ([`csrf::form_token`]) is a submission of that page: the
//! session, the page's nonce, the address and the fields (without the password and the token)
//! make its key. While one is being answered, the same key is refused; once one succeeded (the
//! page answered with a redirect, as every form does after it recorded something), it stays
//! refused for [`REMEMBERED`]. A refused or failed submission is forgotten, so the person can
//! correct and send it again. Opening the page again gives its forms a new nonce: doing the same
//! thing once more is a decision, not an accident.
//!
//! The API refuses what the state of a record rules out (a unit administered twice), but a
//! second identical step, result or weight is valid to it; only the web knows the two came
//! from one form. The keys live in this process: behind a load balancer, sticky sessions keep
//! a page's forms on the process that rendered it.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use sha2::{Digest, Sha256};

use crate::pages::{Layout, Message, render};
use crate::{Shared, csrf, session};

/// How long a succeeded submission stays refused: longer than anyone keeps a page open.
const REMEMBERED: Duration = Duration::from_secs(12 * 60 * 60);

/// The largest form read here; a larger one is refused before anything runs.
const LARGEST_FORM: usize = 1 << 20;

/// Forms that are not submissions of a page's record: signing in and out.
const NOT_SUBMISSIONS: [&str; 2] = ["/signin", "/signout"];

/// A submission's key: SHA-256 over the session, the page's nonce, the address and the fields.
type Key = [u8; 32];

/// Where a submission stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seen {
    /// Being answered.
    InFlight,
    /// Answered with success at this instant.
    Done(Instant),
}

/// The submissions this process has seen.
#[derive(Debug, Default)]
pub(crate) struct Submissions {
    seen: Mutex<HashMap<Key, Seen>>,
}

impl Submissions {
    /// Takes `key` for a submission now, or says how it was seen before.
    fn begin(&self, key: Key, now: Instant) -> Result<(), Seen> {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        seen.retain(|_, state| match state {
            Seen::InFlight => true,
            Seen::Done(at) => now.duration_since(*at) < REMEMBERED,
        });
        match seen.get(&key) {
            Some(state) => Err(*state),
            None => {
                seen.insert(key, Seen::InFlight);
                Ok(())
            }
        }
    }

    /// Ends the submission `key`: remembered when it succeeded, forgotten otherwise.
    fn end(&self, key: Key, succeeded: bool, now: Instant) {
        let mut seen = self.seen.lock().unwrap_or_else(PoisonError::into_inner);
        if succeeded {
            seen.insert(key, Seen::Done(now));
        } else {
            seen.remove(&key);
        }
    }
}

/// Forgets a submission whose answer never came (the client went away, a handler panicked),
/// so its key is not held forever.
struct InFlight<'a> {
    submissions: &'a Submissions,
    key: Key,
    ended: bool,
}

impl InFlight<'_> {
    fn end(mut self, succeeded: bool) {
        self.ended = true;
        self.submissions.end(self.key, succeeded, Instant::now());
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if !self.ended {
            self.submissions.end(self.key, false, Instant::now());
        }
    }
}

/// The key of a form posted to `path` in the session `secret`, if it carries a page's nonce.
fn key(secret: &str, path: &str, form: &[(String, String)]) -> Option<Key> {
    let nonce = form
        .iter()
        .find(|(name, _)| name == "csrf")
        .and_then(|(_, token)| csrf::nonce_of(token))?;
    let mut hasher = Sha256::new();
    for part in [b"cordtrace-web submission v1".as_slice(), secret.as_bytes()] {
        hasher.update(part);
        hasher.update([0]);
    }
    for part in [nonce, path] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    // A retyped password is not what makes two submissions different.
    for (name, value) in form
        .iter()
        .filter(|(name, _)| name != "csrf" && name != "password")
    {
        hasher.update(name.as_bytes());
        hasher.update([0]);
        hasher.update(value.as_bytes());
        hasher.update([0]);
    }
    Some(hasher.finalize().into())
}

/// Whether `request` posts a form.
fn posts_a_form(request: &Request) -> bool {
    request.method() == Method::POST
        && !NOT_SUBMISSIONS.contains(&request.uri().path())
        && request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("application/x-www-form-urlencoded"))
}

/// Lets each submission of a page's form through once (the module's rule).
pub(crate) async fn once(State(web): State<Shared>, request: Request, next: Next) -> Response {
    if !posts_a_form(&request) {
        return next.run(request).await;
    }
    let Some(secret) = session::session_token(request.headers()).map(str::to_owned) else {
        return next.run(request).await;
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, LARGEST_FORM).await else {
        return refusal(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Form too large",
            "This form is larger than any form of cordtrace, so nothing was done.",
        );
    };
    let form: Vec<(String, String)> = serde_urlencoded::from_bytes(&bytes).unwrap_or_default();
    let key = key(&secret, parts.uri.path(), &form);
    let request = Request::from_parts(parts, Body::from(bytes));
    let Some(key) = key else {
        // Without a page's nonce the CSRF check refuses the form anyway.
        return next.run(request).await;
    };
    let submissions = &web.submissions;
    if let Err(seen) = submissions.begin(key, Instant::now()) {
        return match seen {
            Seen::InFlight => refusal(
                StatusCode::CONFLICT,
                "Already being sent",
                "This form is being sent from this page already; wait for its answer. It was \
                 not sent again, so nothing more was recorded (DUPLICATE_SUBMISSION).",
            ),
            Seen::Done(_) => refusal(
                StatusCode::CONFLICT,
                "Already sent",
                "This form was already sent from this page and recorded. It was not sent \
                 again, so nothing more was recorded (DUPLICATE_SUBMISSION). To record the same \
                 once more, open the page again and fill in the form anew.",
            ),
        };
    }
    let in_flight = InFlight {
        submissions,
        key,
        ended: false,
    };
    let response = next.run(request).await;
    in_flight.end(response.status().is_redirection());
    response
}

/// A page that says why a form was not sent on.
fn refusal(status: StatusCode, title: &str, line: &str) -> Response {
    render(
        status,
        &Message {
            layout: Layout::anonymous(),
            title: title.to_owned(),
            lines: vec![line.to_owned()],
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn a_key_is_of_the_page_the_address_and_the_fields_but_not_the_password() {
        let token = csrf::form_token("session-a");
        let base = key(
            "session-a",
            "/lots/1/step",
            &form(&[("csrf", &token), ("a", "1")]),
        );
        assert!(base.is_some());
        let retyped = key(
            "session-a",
            "/lots/1/step",
            &form(&[("csrf", &token), ("a", "1"), ("password", "other")]),
        );
        assert_eq!(base, retyped, "a retyped password is the same submission");
        let other_field = key(
            "session-a",
            "/lots/1/step",
            &form(&[("csrf", &token), ("a", "2")]),
        );
        let other_path = key(
            "session-a",
            "/lots/2/step",
            &form(&[("csrf", &token), ("a", "1")]),
        );
        let other_page = key(
            "session-a",
            "/lots/1/step",
            &form(&[("csrf", &csrf::form_token("session-a")), ("a", "1")]),
        );
        let other_session = key(
            "session-b",
            "/lots/1/step",
            &form(&[("csrf", &token), ("a", "1")]),
        );
        for other in [other_field, other_path, other_page, other_session] {
            assert!(other.is_some());
            assert_ne!(base, other);
        }
        let without_nonce = form(&[("csrf", &csrf::token_for("session-a")), ("a", "1")]);
        assert_eq!(key("session-a", "/lots/1/step", &without_nonce), None);
    }

    #[test]
    fn a_submission_is_let_through_once_after_success_and_again_after_a_refusal() {
        let submissions = Submissions::default();
        let now = Instant::now();
        let key = [7; 32];
        assert_eq!(submissions.begin(key, now), Ok(()));
        assert_eq!(submissions.begin(key, now), Err(Seen::InFlight));
        submissions.end(key, false, now);
        assert_eq!(
            submissions.begin(key, now),
            Ok(()),
            "a refusal is forgotten"
        );
        submissions.end(key, true, now);
        assert_eq!(submissions.begin(key, now), Err(Seen::Done(now)));
        let later = now + REMEMBERED;
        assert_eq!(
            submissions.begin(key, later),
            Ok(()),
            "remembered for a while"
        );
    }

    #[test]
    fn a_submission_whose_answer_never_came_is_forgotten() {
        let submissions = Submissions::default();
        let key = [9; 32];
        assert_eq!(submissions.begin(key, Instant::now()), Ok(()));
        drop(InFlight {
            submissions: &submissions,
            key,
            ended: false,
        });
        assert_eq!(submissions.begin(key, Instant::now()), Ok(()));
    }
}
