//! Filling units and handing them over.

use crate::actor::Actor;
use crate::identity::{PrintedName, User, Username};
use crate::ids::{HandoffId, UnitId};
use crate::isbt128::ProductCode;
use crate::manufacturing::commands::units::{Receiver, UnitDin, UnitSpec};
use crate::manufacturing::commands::{materials, units};
use crate::manufacturing::{
    ArrivalCondition, Container, Custody, LotKind, StepKind, StorageLocation,
};
use crate::role::{Role, Roles};
use crate::values::{CellCount, Celsius, Millilitres};

use super::world::{TECH, TECH_2, World, at, code, id, label, now, tech, tech_2};

fn spec(unit: u128, product_code: &str) -> UnitSpec {
    UnitSpec {
        unit_id: id(unit),
        product_code: ProductCode::parse(product_code).expect("a product code"),
        container: Container::Bag,
        volume: Millilitres::parse("50").expect("a volume"),
        cells: CellCount::new(60_000_000).expect("cells"),
        expires_at: at(28, 0),
        location: StorageLocation {
            site: label("Facility"),
            freezer: label("LN2-1"),
            rack: label("R1"),
            r#box: label("B1"),
            position: label("P1"),
        },
    }
}

/// A drug product lot in process, and the product code S1234 defined.
fn drug_product(world: &mut World) -> (crate::ids::LotId, crate::isbt128::Din) {
    let admin = Actor::User {
        user_id: id(99),
        role: Role::Admin,
    };
    let events =
        materials::define_product(&world.state, &admin, "S1234", label("UC-MSC 50 mL bag"));
    world.ok(admin, events);
    let (_, donation) = world.donor(true);
    let din = world.state.donations[&donation].din;
    let primary = world.primary_culture(donation);
    let passage = world.step(StepKind::Passage, vec![primary], &[LotKind::Passage]);
    let passage = world.run(passage);
    let harvest = world.step(StepKind::Harvest, passage, &[LotKind::DrugSubstance]);
    let substance = world.run(harvest);
    let formulation = world.step(StepKind::Formulation, substance, &[LotKind::DrugProduct]);
    (world.run(formulation)[0], din)
}

#[test]
fn fill_checks_product_codes_divisions_and_times() {
    let mut world = World::new();
    let (lot, din) = drug_product(&mut world);
    let fill = |world: &World, specs: Vec<UnitSpec>| {
        units::fill(
            &world.state,
            &tech(),
            lot,
            UnitDin::Donation(din),
            at(24, 20),
            specs,
            now(),
        )
    };
    assert_eq!(
        code(fill(&world, vec![spec(500, "S9999VA0")])),
        "UNKNOWN_PRODUCT_CODE"
    );
    assert_eq!(
        code(fill(
            &world,
            vec![spec(500, "S1234VA0"), spec(501, "S1234VA0")]
        )),
        "DUPLICATE_UNIT"
    );
    assert_eq!(code(fill(&world, Vec::new())), "BAD_LIST");
    let mut expired_before_frozen = spec(500, "S1234VA0");
    expired_before_frozen.expires_at = at(24, 19);
    assert_eq!(
        code(fill(&world, vec![expired_before_frozen])),
        "END_BEFORE_START"
    );
    let events = fill(&world, vec![spec(500, "S1234VA0"), spec(501, "S1234VB0")]);
    world.ok(tech(), events);
    let unit = &world.state.units[&id::<UnitId>(500)];
    assert_eq!(unit.din, din);
    // The same division again on the same DIN is a duplicate across fills too.
    assert_eq!(
        code(fill(&world, vec![spec(502, "S1234VA0")])),
        "DUPLICATE_UNIT"
    );
}

#[test]
fn a_hand_off_needs_two_people() {
    let mut world = World::new();
    let (lot, din) = drug_product(&mut world);
    let events = units::fill(
        &world.state,
        &tech(),
        lot,
        UnitDin::Donation(din),
        at(24, 20),
        vec![spec(500, "S1234VA0")],
        now(),
    );
    world.ok(tech(), events);
    let unit: UnitId = id(500);
    let handoff: HandoffId = id(600);
    let temperature = Celsius::parse("-150").expect("a temperature");
    assert_eq!(
        code(units::receive(
            &world.state,
            &tech_2(),
            unit,
            temperature,
            ArrivalCondition::Intact
        )),
        "NOT_IN_TRANSIT"
    );
    let receiver = user(TECH_2, "tech.two", Role::Technician);
    let analyst = user(7, "analyst.one", Role::Analyst);
    let dispatcher = user(TECH, "tech.one", Role::Technician);
    let nobody = Username::parse("nobody.here").expect("a username");
    for (named, expected) in [
        (Receiver::Found(&analyst), "RECEIVER_MAY_NOT_RECEIVE"),
        (Receiver::Unknown(&nobody), "RECEIVER_MAY_NOT_RECEIVE"),
        (Receiver::Found(&dispatcher), "SAME_CUSTODIAN"),
    ] {
        let refused = units::dispatch(&world.state, &tech(), unit, handoff, label("Ward 7"), named);
        assert_eq!(code(refused), expected);
    }
    let events = units::dispatch(
        &world.state,
        &tech(),
        unit,
        handoff,
        label("Ward 7"),
        Receiver::Found(&receiver),
    );
    world.ok(tech(), events);
    assert_eq!(
        code(units::dispatch(
            &world.state,
            &tech(),
            unit,
            id(601),
            label("Ward 8"),
            Receiver::Found(&receiver),
        )),
        "IN_TRANSIT"
    );
    // Only the person named receives it.
    let other = Actor::User {
        user_id: id(8),
        role: Role::Technician,
    };
    assert_eq!(
        code(units::receive(
            &world.state,
            &other,
            unit,
            temperature,
            ArrivalCondition::Intact
        )),
        "NOT_THE_RECEIVER"
    );
    assert_eq!(
        code(units::receive(
            &world.state,
            &tech(),
            unit,
            temperature,
            ArrivalCondition::Intact
        )),
        "SAME_CUSTODIAN"
    );
    let events = units::receive(
        &world.state,
        &tech_2(),
        unit,
        temperature,
        ArrivalCondition::Intact,
    );
    world.ok(tech_2(), events);
    assert!(
        matches!(world.state.units[&unit].custody, Custody::Received { handoff: h, .. } if h == handoff)
    );
}

#[test]
fn a_label_print_is_numbered_and_a_reprint_flagged_where_the_facility_says_so() {
    use crate::isbt128::{Flag, LabelFlag};
    use crate::manufacturing::{LabelFormat, UnitStatus};

    let mut world = World::new();
    let (lot, din) = drug_product(&mut world);
    let events = units::fill(
        &world.state,
        &tech(),
        lot,
        UnitDin::Donation(din),
        at(24, 20),
        vec![spec(500, "S1234VA0")],
        now(),
    );
    world.ok(tech(), events);
    let unit: UnitId = id(500);
    let next = |world: &World, flags_reprints: bool| {
        units::next_label_print(&world.state.units[&unit], flags_reprints).expect("labelable")
    };
    let first = next(&world, true);
    assert_eq!((first.print, first.flag), (1, LabelFlag::CheckValue));
    let clinician = Actor::User {
        user_id: id(98),
        role: Role::Clinician,
    };
    fn print(
        world: &World,
        actor: &Actor,
        unit: UnitId,
        prepared: units::LabelPrint,
    ) -> Result<Vec<crate::event::Event>, crate::manufacturing::ManufacturingError> {
        units::print_label(&world.state, actor, unit, LabelFormat::Pdf, prepared, true)
    }
    assert_eq!(code(print(&world, &clinician, unit, first)), "WRONG_ROLE");
    assert_eq!(code(print(&world, &tech(), id(501), first)), "NOT_FOUND");
    let events = print(&world, &tech(), unit, first).expect("printed");
    world.apply(tech(), events);
    assert_eq!(world.state.units[&unit].labels_printed, 1);

    // A document prepared before that print would carry the wrong flag: refused.
    assert_eq!(
        code(print(&world, &tech(), unit, first)),
        "LABEL_PRINTED_MEANWHILE"
    );
    let second = next(&world, true);
    assert_eq!((second.print, second.flag), (2, LabelFlag::Reprinted));
    let events = print(&world, &tech(), unit, second).expect("printed");
    let crate::event::Event::UnitLabelPrinted(printed) = &events[0] else {
        panic!("a label print: {events:?}");
    };
    assert_eq!(printed.print, 2);
    assert_eq!(printed.din_flag, Flag::ReprintedLabel.to_string());
    // A facility that does not mark reprints keeps the check flag on every print.
    let unmarked = next(&world, false);
    assert_eq!((unmarked.print, unmarked.flag), (2, LabelFlag::CheckValue));

    world.state.units.get_mut(&unit).expect("the unit").status = UnitStatus::Administered;
    assert_eq!(
        code(units::next_label_print(&world.state.units[&unit], true)),
        "WRONG_UNIT_STATE"
    );
    assert_eq!(
        code(print(&world, &tech(), unit, second)),
        "WRONG_UNIT_STATE"
    );
}

/// An active user with one role, as the store finds a hand-off's receiver.
fn user(n: u128, username: &str, role: Role) -> User {
    User {
        id: id(n),
        username: Username::parse(username).expect("a username"),
        printed_name: PrintedName::parse(&format!("Test {username}")).expect("a name"),
        roles: Roles::new([role]).expect("a role"),
        active: true,
        must_change_password: false,
        failed_logins: 0,
        locked_until: None,
        registered_at: now(),
    }
}
