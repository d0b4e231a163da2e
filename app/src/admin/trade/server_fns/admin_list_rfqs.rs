//! `admin_list_rfqs`: the RFQ inbox — filtered by status, buyer country, assignee and age —
//! with the staff an RFQ can be assigned to.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use domain::trade::views::{RfqRow, StaffRef};
use domain::views::Paged;

use crate::error::AppError;

/// The inbox filters as the URL carries them (empty = any).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfqInboxFilter {
    pub status: String,
    pub country: String,
    /// A staff member's id, `me`, `none`, or empty.
    pub assignee: String,
    /// Only RFQs at least this many days old.
    pub min_age_days: String,
    pub page: u64,
}

/// A page of the inbox and the staff list for the assignee filter and pickers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RfqInbox {
    pub rows: Paged<RfqRow>,
    pub staff: Vec<StaffRef>,
}

#[server(prefix = "/sf")]
pub async fn admin_list_rfqs(filter: RfqInboxFilter) -> Result<RfqInbox, AppError> {
    use domain::trade::queries::{AssigneeFilter, RfqQuery};
    use domain::trade::rfq::RfqStatus;
    let (s, caller) = crate::trade::server_fns::staff_caller().await?;
    let status = match filter.status.trim() {
        "" => None,
        v => Some(RfqStatus::parse(v).ok_or_else(|| {
            AppError::BadRequest(format!("“{v}” is not a status of a request for quotation"))
        })?),
    };
    let country = match filter.country.trim() {
        "" => None,
        c => Some(
            domain::codes::CountryCode::parse(c)
                .map_err(|e| AppError::BadRequest(e.to_string()))?
                .as_str()
                .to_owned(),
        ),
    };
    let assignee = match filter.assignee.trim() {
        "" => AssigneeFilter::Anyone,
        "none" => AssigneeFilter::Nobody,
        "me" => AssigneeFilter::Person(s.user.id),
        id => AssigneeFilter::Person(
            id.parse()
                .map_err(|_| AppError::BadRequest("pick the assignee from the list".to_owned()))?,
        ),
    };
    let min_age_days = match filter.min_age_days.trim() {
        "" => None,
        d => Some(
            d.parse::<i64>()
                .ok()
                .filter(|d| (0..=3650).contains(d))
                .ok_or_else(|| {
                    AppError::BadRequest("the age is a number of days from 0 to 3650".to_owned())
                })?,
        ),
    };
    let page = crate::trade::server_fns::page_number(filter.page);
    let per_page = crate::admin::server_fns::PER_PAGE;
    let query = RfqQuery {
        status,
        country,
        assignee,
        min_age_days,
        page,
        per_page,
    };
    let db = crate::session::state()?.db.clone();
    let (items, total) =
        domain::trade::queries::list_rfqs(&db, &caller, &query, chrono::Utc::now()).await?;
    Ok(RfqInbox {
        rows: Paged {
            items,
            total,
            page,
            per_page,
        },
        staff: domain::trade::queries::staff_members(&db).await?,
    })
}
