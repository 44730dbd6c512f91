//! Logs every refusal of access (FORBIDDEN, UNAUTHENTICATED) at info, whichever client asked:
//! a GraphQL request over HTTP or a page of the web application executing in process. An
//! operator watching for probing, or for a role missing from someone's account, reads them
//! here. The line holds the code, the reason code and the field's path, never the message or
//! the arguments: those may quote what was typed.

use std::sync::Arc;

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest};
use async_graphql::{PathSegment, Response, Value};

use crate::error::ErrorCode;

/// The extension that logs refusals.
pub struct RefusalLog;

impl ExtensionFactory for RefusalLog {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RefusalLogExtension)
    }
}

struct RefusalLogExtension;

/// The string value of extension `key` of `error`, if it has one.
fn extension<'a>(error: &'a async_graphql::ServerError, key: &str) -> Option<&'a str> {
    match error.extensions.as_ref()?.get(key)? {
        Value::String(value) => Some(value),
        _ => None,
    }
}

/// The codes of `extensions.reasons`, comma-separated.
fn reason_codes(error: &async_graphql::ServerError) -> String {
    let Some(Value::List(reasons)) = error.extensions.as_ref().and_then(|e| e.get("reasons"))
    else {
        return String::new();
    };
    reasons
        .iter()
        .filter_map(|reason| match reason {
            Value::Object(fields) => match fields.get("code") {
                Some(Value::String(code)) => Some(code.as_str()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(",")
}

#[async_graphql::async_trait::async_trait]
impl Extension for RefusalLogExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = next.run(ctx).await;
        for error in &response.errors {
            let Some(code) = extension(error, "code") else {
                continue;
            };
            if code != ErrorCode::Forbidden.as_str() && code != ErrorCode::Unauthenticated.as_str()
            {
                continue;
            }
            let path = error
                .path
                .iter()
                .map(|segment| match segment {
                    PathSegment::Field(name) => name.clone(),
                    PathSegment::Index(index) => index.to_string(),
                })
                .collect::<Vec<_>>()
                .join(".");
            tracing::info!(
                target: "cordtrace::security",
                code,
                reasons = reason_codes(error),
                path,
                "refused"
            );
        }
        response
    }
}
