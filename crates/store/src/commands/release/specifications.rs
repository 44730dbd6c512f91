//! Defining specification versions, and importing the default one.

use cordtrace_domain::ids::SpecificationId;
use cordtrace_domain::release::commands::define_specification;
use cordtrace_domain::release::{SpecificationContent, default_drug_product_specification};
use cordtrace_domain::{Refusal, State};

use crate::error::CommandError;
use crate::executor::{Command, CommandContext, Decision};
use crate::projection::release::{SpecificationFilter, load_specifications};

async fn decide(
    context: &CommandContext<'_>,
    specification_id: SpecificationId,
    content: SpecificationContent,
) -> Result<Decision<SpecificationId>, CommandError> {
    let state = State {
        specifications: load_specifications(
            context.txn,
            SpecificationFilter::Kind(content.product_kind()),
        )
        .await?,
        ..State::default()
    };
    let events = define_specification(&state, &context.actor, specification_id, content)
        .map_err(Refusal::from)?;
    Ok(Decision::new(state, events, specification_id))
}

/// QA defines a new version of a product kind's specification.
pub struct DefineSpecification {
    /// The new specification's id.
    pub specification_id: SpecificationId,
    /// What it says.
    pub content: SpecificationContent,
}

impl Command for DefineSpecification {
    type Output = SpecificationId;
    const NAME: &'static str = "define_specification";

    async fn decide(
        self,
        context: &CommandContext<'_>,
    ) -> Result<Decision<SpecificationId>, CommandError> {
        decide(context, self.specification_id, self.content).await
    }
}

/// Imports the default UC-MSC drug product specification shipped with cordtrace (version 1),
/// as cordtrace itself at installation or as QA. Refused with `DUPLICATE_SPEC_VERSION` once
/// imported.
pub struct ImportDefaultSpecification {
    /// The specification's id.
    pub specification_id: SpecificationId,
}

impl Command for ImportDefaultSpecification {
    type Output = SpecificationId;
    const NAME: &'static str = "import_default_specification";

    async fn decide(
        self,
        context: &CommandContext<'_>,
    ) -> Result<Decision<SpecificationId>, CommandError> {
        // The shipped file is part of the build; a domain test proves it parses.
        let content = default_drug_product_specification().map_err(Refusal::from)?;
        decide(context, self.specification_id, content).await
    }
}
