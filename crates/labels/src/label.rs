//! What a unit's label prints: the data structures the domain emits, and the texts the caller has
//! already formatted (times in the facility's zone, numbers with their units). This crate decides
//! where things go, never what they say.

use cordtrace_domain::isbt128::UnitLabelData;

use crate::error::LabelError;

/// One unit's label, ready to render.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnitLabel {
    /// The ISBT 128 data structures, eye-readable DIN and compound message.
    pub data: UnitLabelData,
    /// The installation's proper name of the product and its attributes.
    pub product_description: String,
    /// The facility's name.
    pub facility_name: String,
    /// The facility's address, on one line (wrapped on the label).
    pub facility_address: String,
    /// The collection date text, for example `Collected 2026-05-01 09:30 +02:00`.
    pub collection: Option<String>,
    /// The expiry text in the facility's zone with its offset, for example
    /// `Expires 2026-05-03 09:30 +02:00`.
    pub expiry: String,
    /// The cell count, for example `75 × 10⁶ viable cells`.
    pub cells: String,
    /// The volume, for example `50 mL`.
    pub volume: String,
    /// The storage conditions, for example `Store at or below −150 °C`.
    pub storage: String,
    /// The donor's opaque key: never a name, SSN or medical record number.
    pub donor_key: String,
    /// The intended recipient, when the unit is allocated.
    pub recipient: Option<Recipient>,
    /// The warnings that apply, printed prominently in this order.
    pub warnings: Vec<String>,
    /// Which label: the base label of a bag or the small label of a vial.
    pub container: Container,
}

/// The intended recipient of an allocated unit.
#[derive(Clone, PartialEq, Eq)]
pub struct Recipient {
    /// The recipient's identifier.
    pub key: String,
    /// The recipient's name, only when the viewer may read it (the caller decides).
    pub name: Option<String>,
}

/// The name is personal data: it stays out of logs and panics, even through Debug.
impl std::fmt::Debug for Recipient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recipient")
            .field("key", &self.key)
            .field("name", &self.name.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// The container a label is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Container {
    /// ST-004 base label, 100 mm × 100 mm in four quadrants.
    Bag,
    /// Small container label (50 mm × 28 mm): DIN, product code and expiry with their symbols;
    /// the full label goes on the outer container.
    Vial,
}

impl UnitLabel {
    /// Every caller-given text with the name of its field, for the checks every format makes.
    pub(crate) fn text_fields(&self) -> Vec<(&'static str, &str)> {
        let mut fields = vec![
            ("product_description", self.product_description.as_str()),
            ("facility_name", self.facility_name.as_str()),
            ("facility_address", self.facility_address.as_str()),
            ("expiry", self.expiry.as_str()),
            ("cells", self.cells.as_str()),
            ("volume", self.volume.as_str()),
            ("storage", self.storage.as_str()),
            ("donor_key", self.donor_key.as_str()),
        ];
        fields.extend(self.collection.as_deref().map(|text| ("collection", text)));
        if let Some(recipient) = &self.recipient {
            fields.push(("recipient.key", recipient.key.as_str()));
            fields.extend(
                recipient
                    .name
                    .as_deref()
                    .map(|name| ("recipient.name", name)),
            );
        }
        fields.extend(
            self.warnings
                .iter()
                .map(|warning| ("warnings", warning.as_str())),
        );
        fields
    }

    /// Refuses control characters: XML 1.0 cannot hold most of them, ZPL and PDF would print
    /// them as boxes or act on them, and a line break would change the layout behind our back.
    pub(crate) fn check_no_control_characters(&self) -> Result<(), LabelError> {
        for (field, text) in self.text_fields() {
            if let Some(character) = text.chars().find(|c| c.is_control()) {
                return Err(LabelError::ControlCharacter {
                    field,
                    code_point: u32::from(character),
                });
            }
        }
        Ok(())
    }
}
