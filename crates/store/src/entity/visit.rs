//! `visit`: follow-up visits and their measurements.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "visit")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub patient_id: Uuid,
    pub visited_on: Date,
    pub sledai_2k: Option<i16>,
    pub proteinuria_g_per_day: Option<String>,
    pub protein_creatinine_ratio: Option<String>,
    pub creatinine_umol_per_l: Option<String>,
    pub albumin_g_per_l: Option<String>,
    pub c3_g_per_l: Option<String>,
    pub c4_g_per_l: Option<String>,
    pub anti_dsdna_iu_per_ml: Option<String>,
    pub prednisone_mg_per_day: Option<String>,
    pub other_immunosuppressants: String,
    pub recorded_by: Uuid,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
