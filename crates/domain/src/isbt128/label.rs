//! The data of one unit's ISBT 128 label (ST-004): the data structures its Code 128 symbols
//! encode, the eye-readable DIN printed beneath the DIN symbol, and the compound message of its
//! Data Matrix. Every string comes from [`Scan::data_structure`], the inverse of the scan
//! parser, so a label reads back as exactly the values it was printed from.

use super::compound::CompoundMessage;
use super::dates::{Expiry, LabelDateTime};
use super::din::Din;
use super::flag::Flag;
use super::product::ProductCode;
use super::scan::Scan;

/// Which flag characters follow the DIN in data structure 001 on a label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LabelFlag {
    /// The type 3 flag (60 + the DIN's MOD 37-2 value): a scanner detects a misread DIN.
    CheckValue,
    /// `05`: a reprinted label, where the facility marks reprints with flags.
    Reprinted,
}

impl LabelFlag {
    /// The flag for a print: `05` only for a reprint at a facility that marks reprints so
    /// (domain.md, "Labels"); the type 3 check flag otherwise.
    pub fn for_print(is_reprint: bool, facility_flags_reprints: bool) -> Self {
        if is_reprint && facility_flags_reprints {
            Self::Reprinted
        } else {
            Self::CheckValue
        }
    }

    /// The flag characters this choice gives for `din`.
    fn flag(self, din: Din) -> Flag {
        match self {
            Self::CheckValue => din.type3_flag(),
            Self::Reprinted => Flag::ReprintedLabel,
        }
    }
}

/// The collection or production date a product's label carries (data structures 006-009).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProcessingDate {
    /// `=*` / `&*`: when the donation was collected.
    Collection(LabelDateTime),
    /// `=}` / `&}`: when the product was produced.
    Production(LabelDateTime),
}

impl ProcessingDate {
    fn scan(self) -> Scan {
        match self {
            Self::Collection(date) => Scan::Collection(date),
            Self::Production(date) => Scan::Production(date),
        }
    }
}

/// The identification a unit's label carries, in the order the label prints it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct UnitLabelData {
    din: Din,
    flag: Flag,
    product: ProductCode,
    expiry: Expiry,
    processing_date: Option<ProcessingDate>,
}

impl UnitLabelData {
    /// The label data of a unit. The flag is derived from `din`, so a type 3 flag always
    /// belongs to the DIN it follows.
    pub fn new(
        din: Din,
        flag: LabelFlag,
        product: ProductCode,
        expiry: Expiry,
        processing_date: Option<ProcessingDate>,
    ) -> Self {
        Self {
            din,
            flag: flag.flag(din),
            product,
            expiry,
            processing_date,
        }
    }

    /// The flag characters a label with `flag` carries after `din`.
    pub fn flag_for(din: Din, flag: LabelFlag) -> Flag {
        flag.flag(din)
    }

    /// The DIN.
    pub fn din(&self) -> Din {
        self.din
    }

    /// The flag characters after the DIN.
    pub fn flag(&self) -> Flag {
        self.flag
    }

    /// The product code.
    pub fn product(&self) -> ProductCode {
        self.product
    }

    /// The expiry, date and time in facility time (or a date alone).
    pub fn expiry(&self) -> Expiry {
        self.expiry
    }

    /// The collection or production date, when the product carries one.
    pub fn processing_date(&self) -> Option<ProcessingDate> {
        self.processing_date
    }

    /// The data structures, one Code 128 symbol each: DIN (001), product code (003), expiry
    /// (004 or 005), then the collection or production date when there is one.
    pub fn structures(&self) -> Vec<Scan> {
        let mut structures = vec![
            Scan::Din {
                din: self.din,
                flag: self.flag,
            },
            Scan::ProductCode(self.product),
            Scan::Expiry(self.expiry),
        ];
        structures.extend(self.processing_date.map(ProcessingDate::scan));
        structures
    }

    /// Data structure 001: `=`, the DIN, the flag characters.
    pub fn din_data_structure(&self) -> String {
        Scan::Din {
            din: self.din,
            flag: self.flag,
        }
        .data_structure()
    }

    /// Data structure 003: `=<` and the product code.
    pub fn product_data_structure(&self) -> String {
        Scan::ProductCode(self.product).data_structure()
    }

    /// Data structure 005 (`&>cyyjjjhhmm`), or 004 (`=>cyyjjj`) for an expiry without a time.
    pub fn expiry_data_structure(&self) -> String {
        Scan::Expiry(self.expiry).data_structure()
    }

    /// The collection or production date structure, when the product carries one.
    pub fn processing_date_data_structure(&self) -> Option<String> {
        self.processing_date
            .map(|date| date.scan().data_structure())
    }

    /// The compound message (data structure 023) of the label's Data Matrix: the same
    /// structures as the Code 128 symbols, in the same order.
    pub fn compound(&self) -> CompoundMessage {
        CompoundMessage::of_label(self.structures())
    }

    /// The eye-readable DIN printed beneath the DIN symbol.
    pub fn eye_readable_din(&self) -> EyeReadableDin {
        EyeReadableDin {
            din: self.din,
            flag: self.flag,
        }
    }
}

/// The eye-readable DIN as ST-004 prints it: the 13 characters spaced `A9999 26 000001`, the
/// flag characters printed smaller, and the keyboard check character in a box. The check
/// character is for typing only: no barcode encodes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct EyeReadableDin {
    din: Din,
    flag: Flag,
}

impl EyeReadableDin {
    /// The DIN spaced as printed, the form [`Din::parse_typed`] reads back with the check
    /// character: `A9999 26 000001`.
    pub fn din_text(&self) -> String {
        let din = self.din.to_string();
        format!("{} {} {}", &din[..5], &din[5..7], &din[7..])
    }

    /// The flag characters, for example `68` or `05`.
    pub fn flag_text(&self) -> String {
        self.flag.to_string()
    }

    /// The keyboard check character (ISO/IEC 7064 MOD 37-2), printed boxed.
    pub fn check_character(&self) -> char {
        self.din.check_character()
    }
}
