//! Queries of donors, donations, material lots, equipment and product codes.

use async_graphql::{Context, Object};
use cordtrace_domain::Refusal;
use cordtrace_domain::ids::{DonationId, DonorId, EquipmentId, MaterialLotId};
use cordtrace_domain::isbt128::{Din, DinError};
use cordtrace_domain::manufacturing::ManufacturingError;
use cordtrace_store::queries::donors as reads;
use uuid::Uuid;

use super::supplies::{
    EquipmentObject, MaterialLotObject, ProductDefinitionObject, ScreeningPanel,
};
use super::types::{DonationObject, DonorObject};
use crate::context::parts;
use crate::error::{ApiError, ApiResult};
use crate::paging::{DEFAULT_PAGE, KeyConnection, connection, cursor, page_size};

/// Reads a DIN in any form an operator has it: scanned (`=` + DIN + flag), the 13 characters,
/// or typed with its check character (checked).
fn parse_din(raw: &str) -> ApiResult<Din> {
    let trimmed = raw.trim();
    let parsed: Result<Din, DinError> = if trimmed.starts_with('=') {
        Din::parse_scanned(trimmed).map(|(din, _)| din)
    } else if trimmed.chars().count() == 13 {
        Din::parse(trimmed)
    } else {
        Din::parse_typed(trimmed)
    };
    parsed.map_err(|error| Refusal::from(ManufacturingError::from(error)).into())
}

/// Queries of what enters the facility.
#[derive(Default)]
pub struct IntakeQuery;

#[Object]
impl IntakeQuery {
    /// One donor.
    async fn donor(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<DonorObject> {
        let (api, _) = parts(ctx)?;
        reads::donor(api.executor.database(), DonorId::from_uuid(id))
            .await?
            .map(DonorObject::from)
            .ok_or_else(|| ApiError::not_found(format!("donor {id}")))
    }

    /// A donor by the opaque key on her donations' records (`DNR26-000001`, any case).
    async fn donor_by_key(&self, ctx: &Context<'_>, key: String) -> ApiResult<DonorObject> {
        let (api, _) = parts(ctx)?;
        let key = key.trim().to_ascii_uppercase();
        reads::donor_by_key(api.executor.database(), &key)
            .await?
            .map(DonorObject::from)
            .ok_or_else(|| ApiError::not_found(format!("donor {key}")))
    }

    /// Donors in registration order. The cursor is the donor's id.
    async fn donors(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<KeyConnection<DonorObject>> {
        let (api, _) = parts(ctx)?;
        let after = cursor::<DonorId>(after)?;
        let first = page_size(first, DEFAULT_PAGE)?;
        let page = reads::donor_page(api.executor.database(), after, first).await?;
        Ok(connection(page, after.is_some(), |donor| {
            donor.id.to_string()
        }))
    }

    /// One donation.
    async fn donation(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<DonationObject> {
        let (api, _) = parts(ctx)?;
        reads::donation(api.executor.database(), DonationId::from_uuid(id))
            .await?
            .map(DonationObject::from)
            .ok_or_else(|| ApiError::not_found(format!("donation {id}")))
    }

    /// The donation with a DIN, given as scanned, as its 13 characters, or typed with its check
    /// character.
    async fn donation_by_din(&self, ctx: &Context<'_>, din: String) -> ApiResult<DonationObject> {
        let (api, _) = parts(ctx)?;
        let din = parse_din(&din)?;
        reads::donation_by_din(api.executor.database(), din)
            .await?
            .map(DonationObject::from)
            .ok_or_else(|| ApiError::not_found(format!("donation {}", din.eye_readable())))
    }

    /// Donations in registration order. The cursor is the donation's id.
    async fn donations(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<KeyConnection<DonationObject>> {
        let (api, _) = parts(ctx)?;
        let after = cursor::<DonationId>(after)?;
        let first = page_size(first, DEFAULT_PAGE)?;
        let page = reads::donation_page(api.executor.database(), after, first).await?;
        Ok(connection(page, after.is_some(), |donation| {
            donation.id.to_string()
        }))
    }

    /// The screening markers an ELIGIBLE determination needs, and the specimen window.
    async fn screening_panel(&self, ctx: &Context<'_>) -> ApiResult<ScreeningPanel> {
        let (api, _) = parts(ctx)?;
        Ok(api.manufacturing.screening.clone().into())
    }

    /// One material lot.
    async fn material_lot(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<MaterialLotObject> {
        let (api, _) = parts(ctx)?;
        reads::material_lot(api.executor.database(), MaterialLotId::from_uuid(id))
            .await?
            .map(MaterialLotObject::from)
            .ok_or_else(|| ApiError::not_found(format!("material lot {id}")))
    }

    /// Material lots in registration order. The cursor is the lot's id.
    async fn material_lots(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<KeyConnection<MaterialLotObject>> {
        let (api, _) = parts(ctx)?;
        let after = cursor::<MaterialLotId>(after)?;
        let first = page_size(first, DEFAULT_PAGE)?;
        let page = reads::material_lot_page(api.executor.database(), after, first).await?;
        Ok(connection(page, after.is_some(), |lot| lot.id.to_string()))
    }

    /// One piece of equipment.
    async fn equipment(&self, ctx: &Context<'_>, id: Uuid) -> ApiResult<EquipmentObject> {
        let (api, _) = parts(ctx)?;
        reads::equipment_item(api.executor.database(), EquipmentId::from_uuid(id))
            .await?
            .map(EquipmentObject::from)
            .ok_or_else(|| ApiError::not_found(format!("equipment {id}")))
    }

    /// The piece of equipment with an asset tag, as scanned from the device.
    async fn equipment_by_asset_tag(
        &self,
        ctx: &Context<'_>,
        asset_tag: String,
    ) -> ApiResult<EquipmentObject> {
        let (api, _) = parts(ctx)?;
        let asset_tag = asset_tag.trim();
        reads::equipment_by_asset_tag(api.executor.database(), asset_tag)
            .await?
            .map(EquipmentObject::from)
            .ok_or_else(|| ApiError::not_found(format!("equipment {asset_tag}")))
    }

    /// Every material lot with a supplier lot number, as scanned from its label, in
    /// registration order; empty when none has it. Two suppliers may use the same number, so
    /// a client that finds several asks for the lot's own id.
    async fn material_lots_by_supplier_lot(
        &self,
        ctx: &Context<'_>,
        supplier_lot: String,
    ) -> ApiResult<Vec<MaterialLotObject>> {
        let (api, _) = parts(ctx)?;
        Ok(
            reads::material_lots_by_supplier_lot(api.executor.database(), supplier_lot.trim())
                .await?
                .into_iter()
                .map(MaterialLotObject::from)
                .collect(),
        )
    }

    /// Equipment in registration order. The cursor is the equipment's id.
    async fn equipment_list(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<KeyConnection<EquipmentObject>> {
        let (api, _) = parts(ctx)?;
        let after = cursor::<EquipmentId>(after)?;
        let first = page_size(first, DEFAULT_PAGE)?;
        let page = reads::equipment_page(api.executor.database(), after, first).await?;
        Ok(connection(page, after.is_some(), |item| {
            item.id.to_string()
        }))
    }

    /// The installation's product description codes, by code. The cursor is the code.
    async fn products(
        &self,
        ctx: &Context<'_>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<KeyConnection<ProductDefinitionObject>> {
        let (api, _) = parts(ctx)?;
        let after = cursor::<String>(after)?;
        let first = page_size(first, DEFAULT_PAGE)?;
        let page = reads::product_page(api.executor.database(), after.as_deref(), first).await?;
        Ok(connection(page, after.is_some(), |product| {
            product.code.clone()
        }))
    }
}
