//! What enters the facility, over GraphQL: donors (birth mothers) with consent, screening and
//! eligibility, their personal data (guarded field by field), cord donations under ISBT 128
//! DINs and their receipt at the lab, material lots, equipment and product codes.

mod loaders;
mod mutation;
mod query;
mod supplies;
mod types;

pub use loaders::data_loader;
pub use mutation::IntakeMutation;
pub use query::IntakeQuery;
