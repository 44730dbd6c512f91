//! A field that fails is null where it may be, and its error is in `errors`.
//!
//! The GraphQL specification ("Handling Field Errors") answers an error at a nullable field with
//! `null` at that field and the error in `errors`. async-graphql 7 instead leaves the field's key
//! out of its parent, and a parent whose every selected field failed becomes `null` itself, even
//! where the schema says it is non-null. This extension wraps every field, including the access
//! control's refusals ([`crate::access`]): an error at a nullable field is kept aside and the field
//! resolves to `null`, and the kept errors join the response's `errors` when the operation ends.
//! An error at a non-null field goes on as before, so only a nullable field becomes null.

use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextResolve, ResolveInfo,
};
use async_graphql::{Response, ServerError, ServerResult, Value};

/// The extension that turns an error at a nullable field into `null` there.
pub struct NullableFieldErrors;

impl ExtensionFactory for NullableFieldErrors {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(NullableFieldErrorsExtension::default())
    }
}

/// One per request: the errors of the nullable fields that failed in it.
#[derive(Default)]
struct NullableFieldErrorsExtension {
    errors: Mutex<Vec<ServerError>>,
}

/// Whether a field of type `return_type` (its qualified name, such as `Donor!` or
/// `[Unit!]`) may be null.
fn is_nullable(return_type: &str) -> bool {
    !return_type.ends_with('!')
}

#[async_graphql::async_trait::async_trait]
impl Extension for NullableFieldErrorsExtension {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        let kept = std::mem::take(&mut *self.errors.lock().unwrap_or_else(PoisonError::into_inner));
        response.errors.extend(kept);
        response
    }

    async fn resolve(
        &self,
        ctx: &ExtensionContext<'_>,
        info: ResolveInfo<'_>,
        next: NextResolve<'_>,
    ) -> ServerResult<Option<Value>> {
        let nullable = is_nullable(info.return_type);
        match next.run(ctx, info).await {
            Err(error) if nullable => {
                self.errors
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(error);
                Ok(Some(Value::Null))
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_nullable;

    #[test]
    fn only_a_type_without_a_bang_is_nullable() {
        for (return_type, nullable) in [
            ("PersonalData", true),
            ("Donor!", false),
            ("[Unit!]", true),
            ("[Unit!]!", false),
            ("[Unit]!", false),
        ] {
            assert_eq!(is_nullable(return_type), nullable, "{return_type}");
        }
    }
}
