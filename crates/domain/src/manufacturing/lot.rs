//! Manufacturing lots, their kinds, their lineage and the status state machine.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{DonationId, DonorId, LotId, StepId};
use crate::time::Timestamp;

/// What a lot is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LotKind {
    /// Cord tissue from a donation.
    CordTissue,
    /// Explant culture (P0).
    PrimaryCulture,
    /// A passage.
    Passage,
    /// A master or working cell bank.
    CellBank,
    /// Harvested drug substance.
    DrugSubstance,
    /// Formulated drug product, filled into units.
    DrugProduct,
}

impl LotKind {
    /// Every kind.
    pub const ALL: [LotKind; 6] = [
        LotKind::CordTissue,
        LotKind::PrimaryCulture,
        LotKind::Passage,
        LotKind::CellBank,
        LotKind::DrugSubstance,
        LotKind::DrugProduct,
    ];

    /// The name, as the API shows it.
    pub const fn as_str(&self) -> &'static str {
        match self {
            LotKind::CordTissue => "CORD_TISSUE",
            LotKind::PrimaryCulture => "PRIMARY_CULTURE",
            LotKind::Passage => "PASSAGE",
            LotKind::CellBank => "CELL_BANK",
            LotKind::DrugSubstance => "DRUG_SUBSTANCE",
            LotKind::DrugProduct => "DRUG_PRODUCT",
        }
    }

    /// Parses [`LotKind::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// The prefix of lot codes of this kind.
    pub const fn code_prefix(&self) -> &'static str {
        match self {
            LotKind::CordTissue => "CT",
            LotKind::PrimaryCulture => "PC",
            LotKind::Passage => "PA",
            LotKind::CellBank => "CB",
            LotKind::DrugSubstance => "DS",
            LotKind::DrugProduct => "DP",
        }
    }

    /// Kinds a lot of this kind may be processed into (besides itself by split or pool).
    pub fn may_become(&self, child: LotKind) -> bool {
        use LotKind::*;
        matches!(
            (self, child),
            (CordTissue, PrimaryCulture)
                | (PrimaryCulture, Passage)
                | (PrimaryCulture, CellBank)
                | (Passage, Passage)
                | (Passage, CellBank)
                | (Passage, DrugSubstance)
                | (CellBank, Passage)
                | (CellBank, CellBank)
                | (CellBank, DrugSubstance)
                | (DrugSubstance, DrugProduct)
        )
    }
}

impl fmt::Display for LotKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Master or working cell bank.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CellBankLevel {
    /// Master cell bank.
    Master,
    /// Working cell bank (from a master).
    Working,
}

/// The status of a lot.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LotStatus {
    /// Being processed.
    InProcess,
    /// Processing done; awaiting testing and disposition.
    Quarantine,
    /// Released by QA.
    Released,
    /// Rejected by QA (or discarded in process).
    Rejected,
    /// Held pending investigation.
    OnHold,
    /// Recalled after release.
    Recalled,
    /// Past its expiry.
    Expired,
    /// Destroyed.
    Destroyed,
}

impl LotStatus {
    /// Every status.
    pub const ALL: [LotStatus; 8] = [
        LotStatus::InProcess,
        LotStatus::Quarantine,
        LotStatus::Released,
        LotStatus::Rejected,
        LotStatus::OnHold,
        LotStatus::Recalled,
        LotStatus::Expired,
        LotStatus::Destroyed,
    ];

    /// The name, as the API shows it.
    pub const fn as_str(&self) -> &'static str {
        match self {
            LotStatus::InProcess => "IN_PROCESS",
            LotStatus::Quarantine => "QUARANTINE",
            LotStatus::Released => "RELEASED",
            LotStatus::Rejected => "REJECTED",
            LotStatus::OnHold => "ON_HOLD",
            LotStatus::Recalled => "RECALLED",
            LotStatus::Expired => "EXPIRED",
            LotStatus::Destroyed => "DESTROYED",
        }
    }

    /// Parses [`LotStatus::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == name)
    }

    /// The state machine: whether a lot in `self` may move to `next` (`held_from` is the status
    /// an ON_HOLD lot had before the hold, to which alone a hold may be lifted).
    pub fn may_become(&self, next: LotStatus, held_from: Option<LotStatus>) -> bool {
        use LotStatus::*;
        match (self, next) {
            (InProcess, Quarantine | OnHold | Rejected) => true,
            (Quarantine, Released | Rejected | OnHold | Expired) => true,
            (Released, OnHold | Recalled | Expired) => true,
            (OnHold, Recalled | Rejected) => true,
            (OnHold, back) => held_from == Some(back),
            (Rejected | Recalled | Expired, Destroyed) => true,
            _ => false,
        }
    }
}

impl fmt::Display for LotStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The lot's distinct identification code (no personal data): kind prefix, year, sequence, e.g.
/// `DP26-000012`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LotCode(String);

impl LotCode {
    /// The code for the `sequence`-th lot of `kind` in year `year_2digit`.
    pub fn new(kind: LotKind, year_2digit: u8, sequence: u32) -> Self {
        Self(format!(
            "{}{year_2digit:02}-{sequence:06}",
            kind.code_prefix()
        ))
    }

    /// Reads a stored code back.
    pub fn from_stored(code: String) -> Self {
        Self(code)
    }

    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The prefix shared by codes of `kind` in year `year_2digit`, for finding the last one.
    pub fn prefix(kind: LotKind, year_2digit: u8) -> String {
        format!("{}{year_2digit:02}-", kind.code_prefix())
    }
}

impl fmt::Display for LotCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A manufacturing lot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lot {
    /// Identity.
    pub id: LotId,
    /// Its distinct identification code.
    pub code: LotCode,
    /// What it is.
    pub kind: LotKind,
    /// For cell banks, master or working.
    pub bank_level: Option<CellBankLevel>,
    /// Its status.
    pub status: LotStatus,
    /// While ON_HOLD, the status it was held from.
    pub held_from: Option<LotStatus>,
    /// The lots it was made from (empty for cord tissue).
    pub parents: Vec<LotId>,
    /// For cord tissue, the donation it came from.
    pub donation_id: Option<DonationId>,
    /// Every donor whose material is in the lot.
    pub donors: BTreeSet<DonorId>,
    /// The step that made it.
    pub made_by: StepId,
    /// When it was made.
    pub created_at: Timestamp,
}

impl Lot {
    /// Whether material of several donors is in the lot.
    pub fn is_multi_donor(&self) -> bool {
        self.donors.len() > 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use LotStatus::*;

    #[test]
    fn state_machine() {
        let allowed = [
            (InProcess, Quarantine, None),
            (Quarantine, Released, None),
            (Released, Recalled, None),
            (Released, OnHold, None),
            (OnHold, Released, Some(Released)),
            (Recalled, Destroyed, None),
        ];
        for (from, to, held) in allowed {
            assert!(from.may_become(to, held), "{from} -> {to}");
        }
        let refused = [
            (InProcess, Released, None),
            (Quarantine, InProcess, None),
            (Released, Quarantine, None),
            (OnHold, Released, Some(Quarantine)),
            (Destroyed, Quarantine, None),
            (Rejected, Released, None),
        ];
        for (from, to, held) in refused {
            assert!(!from.may_become(to, held), "{from} -> {to}");
        }
    }

    #[test]
    fn codes_carry_kind_year_and_sequence() {
        assert_eq!(
            LotCode::new(LotKind::DrugProduct, 26, 12).as_str(),
            "DP26-000012"
        );
        assert_eq!(LotCode::prefix(LotKind::CellBank, 26), "CB26-");
        assert!(LotKind::DrugSubstance.may_become(LotKind::DrugProduct));
        assert!(!LotKind::DrugProduct.may_become(LotKind::Passage));
    }
}
