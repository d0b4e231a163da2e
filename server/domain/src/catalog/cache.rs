//! A read-through cache in front of the catalog queries the storefront makes on every page.
//!
//! The catalog changes rarely and is read constantly, so pages are served from memory:
//! entries expire after a short time-to-live (bounding staleness across server replicas), and
//! every catalog write on this server calls [`CatalogCache::invalidate_all`]. Concurrent misses
//! for the same key run the query once.

use std::sync::Arc;
use std::time::Duration;

use moka::future::Cache;
use sea_orm::{DatabaseConnection, DbErr};

use crate::catalog::model::{CategorySummary, Page, ProductCard, ProductDetail, ProductFilter};
use crate::catalog::repo;
use crate::codes::CountryCode;
use crate::error::{DomainError, DomainResult};

/// How many entries each cache holds at most.
const CAPACITY: u64 = 20_000;

/// Cached catalog reads over one database; cheap to clone (one pointer to the caches).
#[derive(Clone, Debug)]
pub struct CatalogCache {
    db: DatabaseConnection,
    caches: Arc<Caches>,
}

#[derive(Debug)]
struct Caches {
    products: Cache<(String, String), Arc<Option<ProductDetail>>>,
    listings: Cache<(String, ProductFilter), Arc<Page<ProductCard>>>,
    categories: Cache<String, Arc<Vec<CategorySummary>>>,
    featured: Cache<(String, u64), Arc<Vec<ProductCard>>>,
    origins: Cache<(), Arc<Vec<CountryCode>>>,
}

/// Rebuilds a shared error for the caller (the cache hands the same error to every waiter).
fn unshare(e: Arc<DomainError>) -> DomainError {
    match &*e {
        DomainError::Invalid { field, message } => {
            DomainError::invalid(field.clone(), message.clone())
        }
        DomainError::NotFound { what } => DomainError::not_found(what.clone()),
        DomainError::Conflict(m) => DomainError::Conflict(m.clone()),
        DomainError::Forbidden(m) => DomainError::Forbidden(m.clone()),
        DomainError::Storage(m) => DomainError::Storage(m.clone()),
        DomainError::Fields(list) => DomainError::Fields(list.clone()),
        DomainError::Database(db) => DomainError::Database(DbErr::Custom(db.to_string())),
    }
}

fn cache<K, V>(ttl: Duration) -> Cache<K, V>
where
    K: std::hash::Hash + Eq + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    // A zero TTL turns caching off: every read goes to the database.
    let capacity = if ttl.is_zero() { 0 } else { CAPACITY };
    Cache::builder()
        .max_capacity(capacity)
        .time_to_live(ttl.max(Duration::from_millis(1)))
        .build()
}

impl CatalogCache {
    /// A cache whose entries live for `ttl` (zero disables caching).
    pub fn new(db: DatabaseConnection, ttl: Duration) -> Self {
        Self {
            db,
            caches: Arc::new(Caches {
                products: cache(ttl),
                listings: cache(ttl),
                categories: cache(ttl),
                featured: cache(ttl),
                origins: cache(ttl),
            }),
        }
    }

    /// The database behind the cache.
    pub fn db(&self) -> &DatabaseConnection {
        &self.db
    }

    /// Forgets everything; call after any catalog write.
    pub fn invalidate_all(&self) {
        self.caches.products.invalidate_all();
        self.caches.listings.invalidate_all();
        self.caches.categories.invalidate_all();
        self.caches.featured.invalidate_all();
        self.caches.origins.invalidate_all();
    }

    /// [`repo::product_by_slug`], cached.
    pub async fn product_by_slug(
        &self,
        locale: &str,
        slug: &str,
    ) -> DomainResult<Arc<Option<ProductDetail>>> {
        let db = self.db.clone();
        let (l, s) = (locale.to_owned(), slug.to_owned());
        self.caches
            .products
            .try_get_with((l.clone(), s.clone()), async move {
                repo::product_by_slug(&db, &l, &s).await.map(Arc::new)
            })
            .await
            .map_err(unshare)
    }

    /// [`repo::search_products`], cached.
    pub async fn search_products(
        &self,
        locale: &str,
        filter: &ProductFilter,
    ) -> DomainResult<Arc<Page<ProductCard>>> {
        let db = self.db.clone();
        let (l, f) = (locale.to_owned(), filter.clone());
        self.caches
            .listings
            .try_get_with((l.clone(), f.clone()), async move {
                repo::search_products(&db, &l, &f).await.map(Arc::new)
            })
            .await
            .map_err(unshare)
    }

    /// [`repo::list_categories`], cached.
    pub async fn list_categories(&self, locale: &str) -> DomainResult<Arc<Vec<CategorySummary>>> {
        let db = self.db.clone();
        let l = locale.to_owned();
        self.caches
            .categories
            .try_get_with(l.clone(), async move {
                repo::list_categories(&db, &l).await.map(Arc::new)
            })
            .await
            .map_err(unshare)
    }

    /// [`repo::featured_products`], cached.
    pub async fn featured_products(
        &self,
        locale: &str,
        limit: u64,
    ) -> DomainResult<Arc<Vec<ProductCard>>> {
        let db = self.db.clone();
        let l = locale.to_owned();
        self.caches
            .featured
            .try_get_with((l.clone(), limit), async move {
                repo::featured_products(&db, &l, limit).await.map(Arc::new)
            })
            .await
            .map_err(unshare)
    }

    /// [`repo::origin_countries`], cached.
    pub async fn origin_countries(&self) -> DomainResult<Arc<Vec<CountryCode>>> {
        let db = self.db.clone();
        self.caches
            .origins
            .try_get_with((), async move {
                repo::origin_countries(&db).await.map(Arc::new)
            })
            .await
            .map_err(unshare)
    }
}
