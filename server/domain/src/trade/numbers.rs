//! Human-readable numbers (`RFQ-2026-00001`, `Q-2026-00001`, `ORD-2026-00001`): one counter
//! per series and year, incremented inside the caller's transaction. A rolled-back
//! transaction may leave a gap; a number is never handed out twice (the counter row is
//! locked until the transaction ends, and the numbered tables have unique constraints).

use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{ConnectionTrait, EntityTrait, Set};

use crate::DomainResult;
use crate::entities::counter;

/// The next number of `prefix` in `year`, e.g. `ORD-2026-00042`.
pub async fn next<C: ConnectionTrait>(db: &C, prefix: &str, year: i32) -> DomainResult<String> {
    let name = format!("{prefix}-{year}");
    let value = next_value(db, &name).await?;
    Ok(format!("{name}-{value:05}"))
}

/// The next value of the counter `series` (1 for a new series), in the caller's transaction.
pub async fn next_value<C: ConnectionTrait>(db: &C, series: &str) -> DomainResult<i64> {
    advance(db, series, 1).await
}

/// Moves the counter `series` on by `by` (at least 1) and returns its new value: the caller
/// owns the `by` values ending there. Being a write, it also takes SQLite's write lock.
pub async fn advance<C: ConnectionTrait>(db: &C, series: &str, by: i64) -> DomainResult<i64> {
    let by = std::cmp::max(by, 1);
    counter::Entity::insert(counter::ActiveModel {
        name: Set(series.to_owned()),
        value: Set(by),
    })
    .on_conflict(
        OnConflict::column(counter::Column::Name)
            .value(
                counter::Column::Value,
                Expr::col((counter::Entity, counter::Column::Value)).add(by),
            )
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(counter::Entity::find_by_id(series.to_owned())
        .one(db)
        .await?
        .map_or(by, |c| c.value))
}
