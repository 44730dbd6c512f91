//! Store commands of the manufacturing record: each loads what its decision needs, calls the
//! domain, and names its side writes.

pub mod donations;
pub mod donors;
pub mod lots;
pub mod materials;
pub mod steps;
pub mod units;

use cordtrace_domain::isbt128::Fin;
use cordtrace_domain::manufacturing::ScreeningPolicy;

/// Installation settings the manufacturing commands apply.
#[derive(Clone, Debug)]
pub struct ManufacturingPolicy {
    /// Screening markers and the specimen window.
    pub screening: ScreeningPolicy,
    /// Hours from collection to receipt beyond which a donation is flagged.
    pub max_transit_hours: i64,
    /// The FIN cordtrace assigns DINs under (donations typed in without one, pool DINs).
    pub fin: Option<Fin>,
}

impl Default for ManufacturingPolicy {
    fn default() -> Self {
        Self {
            screening: ScreeningPolicy::default(),
            max_transit_hours: 48,
            fin: None,
        }
    }
}
