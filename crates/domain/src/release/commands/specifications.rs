//! Defining a specification version.

use crate::actor::Actor;
use crate::event::Event;
use crate::ids::SpecificationId;
use crate::release::error::ReleaseError;
use crate::release::events::SpecificationDefined;
use crate::release::specification::SpecificationContent;
use crate::role::Role;
use crate::state::State;

use super::acting_user;

/// QA defines a new version of a product kind's specification; cordtrace itself (the system
/// actor) may import one at installation. Versions of a kind are unique and increase, and so do
/// their effective dates, so exactly one version is in effect on any day from the first. A past
/// effective date is accepted: a lot records its version when testing begins, so a new version
/// never changes a lot already under test.
///
/// The state must hold every specification of the content's product kind.
pub fn define_specification(
    state: &State,
    actor: &Actor,
    specification_id: SpecificationId,
    content: SpecificationContent,
) -> Result<Vec<Event>, ReleaseError> {
    if *actor != Actor::System {
        acting_user(actor, &[Role::Qa], "qa")?;
    }
    let kind = content.product_kind();
    let same_kind = state
        .specifications
        .values()
        .filter(|spec| spec.content.product_kind() == kind);
    if let Some(latest) = same_kind.max_by_key(|spec| spec.content.version()) {
        let latest = &latest.content;
        if latest.version() == content.version() {
            return Err(ReleaseError::DuplicateVersion {
                kind: kind.as_str().to_owned(),
                version: content.version().get(),
            });
        }
        if latest.version() > content.version() {
            return Err(ReleaseError::VersionNotIncreasing {
                kind: kind.as_str().to_owned(),
                version: content.version().get(),
                latest: latest.version().get(),
            });
        }
        if latest.effective_on() >= content.effective_on() {
            return Err(ReleaseError::EffectiveDateNotIncreasing {
                kind: kind.as_str().to_owned(),
                version: content.version().get(),
                effective_on: content.effective_on().to_string(),
                latest: latest.version().get(),
                latest_effective_on: latest.effective_on().to_string(),
            });
        }
    }
    Ok(vec![Event::SpecificationDefined(SpecificationDefined {
        specification_id,
        specification: content,
    })])
}
