//! The GraphQL API of cordtrace.
//!
//! Architecture invariant: only this crate knows about GraphQL. Resolvers read the context, call
//! one command or query of the store, and convert the result; no business rule lives here.

pub mod access;
mod clinical;
mod codes;
mod context;
mod cost;
pub mod error;
mod field_errors;
mod identity;
mod intake;
mod ledger;
mod mirror;
mod paging;
mod production;
mod redaction;
mod refusal_log;
mod release;
mod signing;
mod throttle;

use async_graphql::{EmptySubscription, MergedObject, Schema, SchemaBuilder};

pub use context::{ApiContext, ClientAddress, Policies, Viewer};
pub use error::{ApiError, ErrorCode};
pub use production::{
    LabelRecipient, PRINT_LABEL_OPERATION, PrintedLabel, prepare_unit_label, print_unit_label,
    record_label_print,
};
pub use release::{CERTIFICATE_OPERATION, certificate_document};
pub use throttle::ThrottlePolicy;

/// Deepest query accepted: deep enough for lineage views, shallow enough to stop abuse.
pub const MAX_DEPTH: usize = 16;
pub use cost::{MAX_COST, MAX_PASSWORD_CHECKS};

/// Every query.
#[derive(MergedObject, Default)]
pub struct Query(
    identity::IdentityQuery,
    ledger::LedgerQuery,
    production::ProductionQuery,
    production::LineageQuery,
    intake::IntakeQuery,
    release::ReleaseQuery,
    clinical::ClinicalQuery,
);

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    identity::IdentityMutation,
    ledger::LedgerMutation,
    production::ProductionMutation,
    production::LabelMutation,
    intake::IntakeMutation,
    release::ReleaseMutation,
    clinical::ClinicalMutation,
);

/// The schema type.
pub type CordSchema = Schema<Query, Mutation, EmptySubscription>;

fn builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .extension(cost::CostLimit)
        // Outside the access control, so that it sees the access control's refusals too.
        .extension(refusal_log::RefusalLog)
        // Outside the access control, so that it also sees the access control's refusals.
        .extension(field_errors::NullableFieldErrors)
        .extension(access::AccessControl)
        .extension(codes::ErrorCodes)
}

/// The schema serving `context`.
pub fn schema(context: ApiContext) -> CordSchema {
    let intake_loader = intake::data_loader(context.executor.database().clone());
    let clinical_loader = clinical::data_loader(context.executor.database().clone());
    builder()
        .data(intake_loader)
        .data(clinical_loader)
        .data(context)
        .finish()
}

/// The schema in SDL, built without a database.
pub fn sdl() -> String {
    builder().finish().sdl()
}
