//! `visit`, `visit_administration` <-> [`Visit`]; `adverse_event`,
//! `adverse_event_administration` <-> [`AdverseEvent`].

use std::collections::BTreeMap;

use cordtrace_domain::Timestamp;
use cordtrace_domain::clinical::measures::{
    AlbuminGPerL, AntiDsDnaIuPerMl, C3GPerL, C4GPerL, CreatinineUmolPerL, PrednisoneMgPerDay,
    ProteinCreatinineRatio, ProteinuriaGPerDay, Sledai2k,
};
use cordtrace_domain::clinical::{AdverseEvent, CtcaeGrade, Visit, VisitMeasures};
use cordtrace_domain::ids::{AdministrationId, AdverseEventId, PatientId, UserId, VisitId};
use cordtrace_domain::values::{Decimal, Label, ValueError};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::super::common::{enum_text, insert_all, parse, parse_enum, position, upsert};
use super::uuids;
use crate::entity::{adverse_event, adverse_event_administration, visit, visit_administration};
use crate::error::{QueryError, corrupt};

fn text<T: Into<Decimal>>(value: Option<T>) -> Option<String> {
    value.map(|v| v.into().to_string())
}

fn measure<T>(
    raw: Option<String>,
    parser: fn(&str) -> Result<T, ValueError>,
    what: &str,
) -> Result<Option<T>, QueryError> {
    raw.map(|raw| parse(parser(&raw), what)).transpose()
}

/// Saves visits with the administrations they follow up.
pub(crate) async fn save_visits(
    db: &impl ConnectionTrait,
    visits: &[&Visit],
) -> Result<(), QueryError> {
    let rows = visits
        .iter()
        .map(|v| {
            let m = &v.measures;
            Ok(visit::ActiveModel {
                id: Set(v.id.as_uuid()),
                patient_id: Set(v.patient_id.as_uuid()),
                visited_on: Set(v.visited_on),
                sledai_2k: Set(m.sledai_2k.map(|s| i16::from(s.get()))),
                proteinuria_g_per_day: Set(text(m.proteinuria_g_per_day)),
                protein_creatinine_ratio: Set(text(m.protein_creatinine_ratio)),
                creatinine_umol_per_l: Set(text(m.creatinine)),
                albumin_g_per_l: Set(text(m.albumin)),
                c3_g_per_l: Set(text(m.c3)),
                c4_g_per_l: Set(text(m.c4)),
                anti_dsdna_iu_per_ml: Set(text(m.anti_dsdna)),
                prednisone_mg_per_day: Set(text(m.prednisone)),
                other_immunosuppressants: Set(serde_json::to_string(&m.other_immunosuppressants)
                    .map_err(|e| {
                    corrupt("visit.other_immunosuppressants", e)
                })?),
                recorded_by: Set(v.recorded_by.as_uuid()),
                recorded_at: Set(v.recorded_at.as_datetime()),
            })
        })
        .collect::<Result<Vec<_>, QueryError>>()?;
    upsert(db, rows).await?;
    let ids: Vec<Uuid> = visits.iter().map(|v| v.id.as_uuid()).collect();
    visit_administration::Entity::delete_many()
        .filter(visit_administration::Column::VisitId.is_in(ids))
        .exec(db)
        .await?;
    let links = visits
        .iter()
        .flat_map(|v| {
            v.administrations.iter().enumerate().map(|(index, id)| {
                visit_administration::ActiveModel {
                    visit_id: Set(v.id.as_uuid()),
                    position: Set(position(index)),
                    administration_id: Set(id.as_uuid()),
                }
            })
        })
        .collect();
    insert_all(db, links).await
}

/// Which follow-up records to load.
pub(crate) enum FollowUpFilter {
    /// All.
    All,
    /// Of these patients.
    Patients(Vec<PatientId>),
    /// By id (visit or adverse event ids).
    Ids(Vec<Uuid>),
}

/// Loads visits.
pub(crate) async fn load_visits(
    db: &impl ConnectionTrait,
    filter: FollowUpFilter,
) -> Result<BTreeMap<VisitId, Visit>, QueryError> {
    let query = match &filter {
        FollowUpFilter::All => visit::Entity::find(),
        FollowUpFilter::Patients(ids) => {
            visit::Entity::find().filter(visit::Column::PatientId.is_in(uuids(ids)))
        }
        FollowUpFilter::Ids(ids) => {
            visit::Entity::find().filter(visit::Column::Id.is_in(ids.clone()))
        }
    };
    let rows = query.all(db).await?;
    let mut links_query =
        visit_administration::Entity::find().order_by_asc(visit_administration::Column::Position);
    if !matches!(filter, FollowUpFilter::All) {
        let ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
        links_query = links_query.filter(visit_administration::Column::VisitId.is_in(ids));
    }
    let mut links: BTreeMap<Uuid, Vec<AdministrationId>> = BTreeMap::new();
    for link in links_query.all(db).await? {
        links
            .entry(link.visit_id)
            .or_default()
            .push(AdministrationId::from_uuid(link.administration_id));
    }
    rows.into_iter()
        .map(|row| {
            let measures = VisitMeasures {
                sledai_2k: row
                    .sledai_2k
                    .map(|score| parse(Sledai2k::from_i64(i64::from(score)), "visit.sledai_2k"))
                    .transpose()?,
                proteinuria_g_per_day: measure(
                    row.proteinuria_g_per_day,
                    ProteinuriaGPerDay::parse,
                    "visit.proteinuria_g_per_day",
                )?,
                protein_creatinine_ratio: measure(
                    row.protein_creatinine_ratio,
                    ProteinCreatinineRatio::parse,
                    "visit.protein_creatinine_ratio",
                )?,
                creatinine: measure(
                    row.creatinine_umol_per_l,
                    CreatinineUmolPerL::parse,
                    "visit.creatinine_umol_per_l",
                )?,
                albumin: measure(
                    row.albumin_g_per_l,
                    AlbuminGPerL::parse,
                    "visit.albumin_g_per_l",
                )?,
                c3: measure(row.c3_g_per_l, C3GPerL::parse, "visit.c3_g_per_l")?,
                c4: measure(row.c4_g_per_l, C4GPerL::parse, "visit.c4_g_per_l")?,
                anti_dsdna: measure(
                    row.anti_dsdna_iu_per_ml,
                    AntiDsDnaIuPerMl::parse,
                    "visit.anti_dsdna_iu_per_ml",
                )?,
                prednisone: measure(
                    row.prednisone_mg_per_day,
                    PrednisoneMgPerDay::parse,
                    "visit.prednisone_mg_per_day",
                )?,
                other_immunosuppressants: serde_json::from_str::<Vec<Label>>(
                    &row.other_immunosuppressants,
                )
                .map_err(|e| corrupt("visit.other_immunosuppressants", e))?,
            };
            let visit = Visit {
                id: VisitId::from_uuid(row.id),
                patient_id: PatientId::from_uuid(row.patient_id),
                administrations: links.remove(&row.id).unwrap_or_default(),
                visited_on: row.visited_on,
                measures,
                recorded_by: UserId::from_uuid(row.recorded_by),
                recorded_at: Timestamp::from_datetime(row.recorded_at),
            };
            Ok((visit.id, visit))
        })
        .collect()
}

/// Saves adverse events with the administrations they may follow.
pub(crate) async fn save_adverse_events(
    db: &impl ConnectionTrait,
    events: &[&AdverseEvent],
) -> Result<(), QueryError> {
    let rows = events
        .iter()
        .map(|e| adverse_event::ActiveModel {
            id: Set(e.id.as_uuid()),
            patient_id: Set(e.patient_id.as_uuid()),
            term: Set(e.term.as_str().to_owned()),
            grade: Set(i16::from(e.grade.get())),
            serious: Set(e.serious),
            relatedness: Set(enum_text(&e.relatedness)),
            onset_on: Set(e.onset_on),
            resolved_on: Set(e.resolved_on),
            recorded_by: Set(e.recorded_by.as_uuid()),
            recorded_at: Set(e.recorded_at.as_datetime()),
        })
        .collect();
    upsert(db, rows).await?;
    let ids: Vec<Uuid> = events.iter().map(|e| e.id.as_uuid()).collect();
    adverse_event_administration::Entity::delete_many()
        .filter(adverse_event_administration::Column::AdverseEventId.is_in(ids))
        .exec(db)
        .await?;
    let links = events
        .iter()
        .flat_map(|e| {
            e.administrations.iter().enumerate().map(|(index, id)| {
                adverse_event_administration::ActiveModel {
                    adverse_event_id: Set(e.id.as_uuid()),
                    position: Set(position(index)),
                    administration_id: Set(id.as_uuid()),
                }
            })
        })
        .collect();
    insert_all(db, links).await
}

/// Loads adverse events.
pub(crate) async fn load_adverse_events(
    db: &impl ConnectionTrait,
    filter: FollowUpFilter,
) -> Result<BTreeMap<AdverseEventId, AdverseEvent>, QueryError> {
    let query = match &filter {
        FollowUpFilter::All => adverse_event::Entity::find(),
        FollowUpFilter::Patients(ids) => {
            adverse_event::Entity::find().filter(adverse_event::Column::PatientId.is_in(uuids(ids)))
        }
        FollowUpFilter::Ids(ids) => {
            adverse_event::Entity::find().filter(adverse_event::Column::Id.is_in(ids.clone()))
        }
    };
    let rows = query.all(db).await?;
    let mut links_query = adverse_event_administration::Entity::find()
        .order_by_asc(adverse_event_administration::Column::Position);
    if !matches!(filter, FollowUpFilter::All) {
        let row_ids: Vec<Uuid> = rows.iter().map(|row| row.id).collect();
        links_query =
            links_query.filter(adverse_event_administration::Column::AdverseEventId.is_in(row_ids));
    }
    let mut links: BTreeMap<Uuid, Vec<AdministrationId>> = BTreeMap::new();
    for link in links_query.all(db).await? {
        links
            .entry(link.adverse_event_id)
            .or_default()
            .push(AdministrationId::from_uuid(link.administration_id));
    }
    rows.into_iter()
        .map(|row| {
            let grade = u8::try_from(row.grade).map_err(|e| corrupt("adverse_event.grade", e))?;
            let event = AdverseEvent {
                id: AdverseEventId::from_uuid(row.id),
                patient_id: PatientId::from_uuid(row.patient_id),
                administrations: links.remove(&row.id).unwrap_or_default(),
                term: parse(Label::parse(&row.term, "term"), "adverse_event.term")?,
                grade: parse(CtcaeGrade::new(grade), "adverse_event.grade")?,
                serious: row.serious,
                relatedness: parse_enum(&row.relatedness, "adverse_event.relatedness")?,
                onset_on: row.onset_on,
                resolved_on: row.resolved_on,
                recorded_by: UserId::from_uuid(row.recorded_by),
                recorded_at: Timestamp::from_datetime(row.recorded_at),
            };
            Ok((event.id, event))
        })
        .collect()
}
