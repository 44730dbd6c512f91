//! Users, sessions and signatures over GraphQL.

mod mutation;
mod query;
mod types;

pub use mutation::IdentityMutation;
pub use query::IdentityQuery;
pub(crate) use types::{MeaningInput, SignatureInput};
