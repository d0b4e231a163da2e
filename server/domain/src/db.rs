//! Opening the database: SQLite by default (file created on first start, WAL mode, foreign
//! keys on), PostgreSQL when the URL says so.

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};

use crate::error::{DomainError, DomainResult};

/// Which engine a database URL points at.
pub fn backend_of(url: &str) -> DomainResult<DbBackend> {
    if url.starts_with("sqlite:") {
        Ok(DbBackend::Sqlite)
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(DbBackend::Postgres)
    } else {
        Err(DomainError::invalid(
            "DATABASE_URL",
            "use sqlite://path/to/file.db?mode=rwc or postgres://user@host/database",
        ))
    }
}

/// Opens a connection pool. For SQLite the file's folder is created when missing.
pub async fn connect(url: &str) -> DomainResult<DatabaseConnection> {
    let backend = backend_of(url)?;
    if backend == DbBackend::Sqlite {
        ensure_sqlite_parent_dir(url)?;
    }
    let mut opts = ConnectOptions::new(url.to_owned());
    opts.sqlx_logging(false)
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(Duration::from_secs(10));
    match backend {
        DbBackend::Sqlite => {
            // One writer at a time is SQLite's rule; readers run in parallel under WAL.
            opts.max_connections(8)
                .min_connections(1)
                .map_sqlx_sqlite_opts(|o| {
                    o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                        .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                        .foreign_keys(true)
                        .busy_timeout(Duration::from_secs(5))
                });
        }
        _ => {
            opts.max_connections(16).min_connections(1);
        }
    }
    let db = Database::connect(opts).await?;
    Ok(db)
}

/// Answers whether the database takes a trivial query (used by `/readyz`).
pub async fn ping(db: &DatabaseConnection) -> DomainResult<()> {
    db.execute_unprepared("SELECT 1").await?;
    Ok(())
}

fn ensure_sqlite_parent_dir(url: &str) -> DomainResult<()> {
    let path = url
        .trim_start_matches("sqlite:")
        .trim_start_matches("//")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent()
        && !parent.as_os_str().is_empty()
    {
        std::fs::create_dir_all(parent).map_err(|e| {
            DomainError::invalid(
                "DATABASE_URL",
                format!(
                    "cannot create the folder {} for the SQLite file: {e}",
                    parent.display()
                ),
            )
        })?;
    }
    Ok(())
}

/// A case-insensitive `LIKE` pattern matching `text` anywhere (wildcards escaped with a backslash).
/// On SQLite, takes the write lock before reading, so a transaction that reads and then
/// writes never fails on a snapshot another writer (a worker, a session touch) made stale —
/// SQLite answers that at once with "database is locked", whatever the busy timeout.
/// PostgreSQL needs nothing.
pub(crate) async fn write_lock_first<C: ConnectionTrait>(txn: &C) -> DomainResult<()> {
    if txn.get_database_backend() == DbBackend::Sqlite {
        txn.execute_unprepared("UPDATE users SET id = id WHERE 0 = 1")
            .await?;
    }
    Ok(())
}

pub(crate) fn like_pattern(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('%');
    for ch in text.to_lowercase().chars() {
        if matches!(ch, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(ch);
    }
    out.push('%');
    out
}

/// `lower(column) LIKE pattern` with a backslash escape (the same on SQLite and PostgreSQL).
pub(crate) fn lower_like<C: sea_orm::ColumnTrait>(
    column: C,
    pattern: &str,
) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr};
    Expr::expr(Func::lower(Expr::col(column.as_column_ref())))
        .like(LikeExpr::new(pattern).escape('\\'))
}
