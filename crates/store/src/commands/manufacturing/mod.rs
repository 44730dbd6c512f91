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
    /// What unit labels print beside the record's own data.
    pub labels: LabelPolicy,
}

/// The installation's part of a unit label.
#[derive(Clone, Debug)]
pub struct LabelPolicy {
    /// The facility's name, printed on every label.
    pub facility_name: String,
    /// The facility's address.
    pub facility_address: String,
    /// The storage conditions, as the label states them.
    pub storage: String,
    /// Whether a reprinted label carries the flag `05` instead of the type 3 check flag.
    pub flags_reprints: bool,
}

impl Default for LabelPolicy {
    fn default() -> Self {
        Self {
            facility_name: "Cell therapy facility (set facility_name)".to_owned(),
            facility_address: String::new(),
            storage: "Store at or below -150 °C (liquid nitrogen vapour phase)".to_owned(),
            flags_reprints: true,
        }
    }
}

impl Default for ManufacturingPolicy {
    fn default() -> Self {
        Self {
            screening: ScreeningPolicy::default(),
            max_transit_hours: 48,
            fin: None,
            labels: LabelPolicy::default(),
        }
    }
}
