//! `get_order_shipment`: the shipment of an order as carriers reported it — the document of
//! the first of its references with events — and the reference its live stream follows (the
//! order's parties only).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use domain::trade::views::ShipmentDocument;

use crate::error::AppError;

/// What the order page's shipment section starts from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrderShipment {
    /// The reference the live stream follows (the document's, else the order's first).
    pub reference: String,
    pub document: Option<ShipmentDocument>,
    /// `PORTFRONT_MAP_TILES`, when set; else the site's own land layer.
    pub tiles: Option<String>,
}

#[server(prefix = "/sf")]
pub async fn get_order_shipment(number: String) -> Result<OrderShipment, AppError> {
    let number = super::checked_number(&number)?;
    let (_, caller) = super::caller().await?;
    let state = crate::session::state()?;
    let order = domain::trade::store::order_detail(&state.db, &caller, &number).await?;
    // Booking and transport-document numbers first: every event of the shipment names them,
    // while a container number is only on the container's own moves.
    let is_container =
        |r: &String| domain::logistics::codes::ContainerNumber::parse_format(r).is_ok();
    let mut references: Vec<String> = order
        .shipment_references
        .iter()
        .filter(|r| !is_container(r))
        .chain(order.shipment_references.iter().filter(|r| is_container(r)))
        .cloned()
        .collect();
    references.push(order.number.clone());
    if let Some(po) = order.po_number.clone().filter(|p| !p.trim().is_empty()) {
        references.push(po);
    }
    let document = (state.shipments.0)(references.clone()).await?;
    let reference = document
        .as_ref()
        .map(|d| d.reference.clone())
        .unwrap_or_else(|| references[0].clone());
    Ok(OrderShipment {
        reference,
        document,
        tiles: state.map_tiles.as_deref().map(str::to_owned),
    })
}
