//! Property-style tests over many generated DINs (a fixed pseudo-random sequence, no dependency).

use super::*;

/// The characters a keyboard check character may be.
const ALPHABET: &str = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*";

/// A small deterministic generator (64-bit LCG, Knuth's constants).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: u32) -> u32 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        u32::try_from((self.0 >> 33) % u64::from(bound)).unwrap()
    }
}

fn generated_dins(count: usize) -> Vec<Din> {
    let mut rng = Lcg(0x1507_2026);
    (0..count)
        .map(|_| {
            let fin = Fin::parse(&format!("A999{}", rng.below(10))).unwrap();
            let year = u8::try_from(rng.below(100)).unwrap();
            Din::new(fin, year, 1 + rng.below(999_999)).unwrap()
        })
        .collect()
}

#[test]
fn typed_eye_readable_round_trips() {
    for din in generated_dins(2_000) {
        let typed = din.eye_readable();
        assert_eq!(typed.len(), 14);
        assert_eq!(Din::parse_typed(&typed), Ok(din), "{typed}");
        let scanned = din.barcode_data(din.type3_flag()).unwrap();
        assert_eq!(
            Din::parse_scanned(&scanned),
            Ok((din, din.type3_flag())),
            "{scanned}"
        );
        assert_eq!(Din::parse(&din.to_string()), Ok(din));
    }
}

#[test]
fn every_single_substitution_is_detected() {
    for din in generated_dins(300) {
        let typed: Vec<char> = din.eye_readable().chars().collect();
        for position in 0..typed.len() {
            for replacement in ALPHABET.chars().filter(|c| *c != typed[position]) {
                let mut changed = typed.clone();
                changed[position] = replacement;
                let changed: String = changed.into_iter().collect();
                assert!(
                    Din::parse_typed(&changed).is_err(),
                    "{changed} accepted for {din}"
                );
            }
        }
    }
}

#[test]
fn every_adjacent_transposition_is_detected() {
    for din in generated_dins(300) {
        let typed: Vec<char> = din.eye_readable().chars().collect();
        for position in 0..typed.len() - 1 {
            if typed[position] == typed[position + 1] {
                continue;
            }
            let mut changed = typed.clone();
            changed.swap(position, position + 1);
            let changed: String = changed.into_iter().collect();
            assert!(
                Din::parse_typed(&changed).is_err(),
                "{changed} accepted for {din}"
            );
        }
    }
}

#[test]
fn a_changed_din_never_keeps_its_type3_flag() {
    for din in generated_dins(300) {
        let data: Vec<char> = din
            .barcode_data(din.type3_flag())
            .unwrap()
            .chars()
            .collect();
        for position in 1..14 {
            for replacement in ALPHABET
                .chars()
                .filter(|c| *c != data[position] && *c != '*')
            {
                let mut changed = data.clone();
                changed[position] = replacement;
                let changed: String = changed.into_iter().collect();
                assert!(
                    Din::parse_scanned(&changed).is_err(),
                    "{changed} accepted for {din}"
                );
            }
        }
    }
}
