//! The admin dashboard's live counts.

use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::DomainResult;
use crate::entities::{api_client, category, company, product, session, user};
pub use crate::views::Counts;

/// Counts straight from the database (no cache: the panel must show the truth).
pub async fn counts<C: ConnectionTrait>(db: &C, now: DateTime<Utc>) -> DomainResult<Counts> {
    Ok(Counts {
        products: product::Entity::find().count(db).await?,
        published_products: product::Entity::find()
            .filter(product::Column::Published.eq(true))
            .count(db)
            .await?,
        categories: category::Entity::find().count(db).await?,
        users: user::Entity::find().count(db).await?,
        companies: company::Entity::find().count(db).await?,
        active_sessions: session::Entity::find()
            .filter(session::Column::ExpiresAt.gt(now))
            .count(db)
            .await?,
        api_clients: api_client::Entity::find()
            .filter(api_client::Column::RevokedAt.is_null())
            .count(db)
            .await?,
    })
}
