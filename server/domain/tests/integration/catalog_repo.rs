//! The catalog repository against real databases (SQLite, and PostgreSQL when available),
//! seeded with the demo dataset.

use crate::common;

use domain::catalog::demo::{SeedOutcome, seed};
use domain::catalog::model::{ListingParams, PAGE_SIZE, ProductFilter};
use domain::catalog::repo;
use domain::codes::OriginCriterion;

fn filter(f: impl FnOnce(&mut ListingParams)) -> ProductFilter {
    let mut p = ListingParams::default();
    f(&mut p);
    ProductFilter::parse(&p).expect("valid filter")
}

#[tokio::test]
async fn demo_dataset_seeds_once_into_an_empty_catalog() {
    for t in common::databases().await {
        assert!(repo::is_empty(&t.db).await.unwrap(), "{}", t.engine);
        let first = seed(&t.db).await.unwrap();
        assert!(
            matches!(first, SeedOutcome::Seeded { categories: 5, products } if products >= 30),
            "{}: {first:?}",
            t.engine
        );
        assert_eq!(
            seed(&t.db).await.unwrap(),
            SeedOutcome::SkippedNotEmpty,
            "{}",
            t.engine
        );
        let categories = repo::list_categories(&t.db, "en").await.unwrap();
        assert_eq!(categories.len(), 5);
        assert!(
            categories.iter().all(|c| c.product_count >= 6),
            "{}",
            t.engine
        );
    }
}

#[tokio::test]
async fn product_page_data_comes_in_the_requested_locale_with_english_fallback() {
    for t in common::databases().await {
        seed(&t.db).await.unwrap();
        let ja = repo::product_by_slug(&t.db, "ja", "brushless-dc-motor-57mm-24v-105w")
            .await
            .unwrap()
            .unwrap();
        assert!(!ja.text_fallback, "{}", t.engine);
        assert_eq!(ja.hs_code.as_str(), "850131");
        assert_eq!(ja.port_of_loading.as_str(), "CNNGB");
        assert_eq!(ja.quantity_rule.moq, 200);
        let tiers = ja.prices.as_ref().unwrap().tiers();
        assert_eq!(tiers.len(), 3);
        assert_eq!(
            tiers[0].unit_price.to_string(),
            "23.80",
            "{}: decimals survive storage exactly",
            t.engine
        );
        let fallback = repo::product_by_slug(&t.db, "ja", "three-phase-induction-motor-ie3-2-2kw")
            .await
            .unwrap()
            .unwrap();
        assert!(fallback.text_fallback, "{}", t.engine);
        assert!(fallback.name.to_lowercase().contains("motor"));
        let rvc = repo::product_by_slug(&t.db, "en", "led-panel-light-600x600-36w")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(rvc.origin_criterion, OriginCriterion::RVC, "{}", t.engine);
        assert_eq!(rvc.rvc_percent, Some(rust_decimal::Decimal::new(450, 1)));
        let ctc = repo::product_by_slug(&t.db, "en", "brushless-dc-motor-57mm-24v-105w")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(ctc.origin_criterion, OriginCriterion::CTC, "{}", t.engine);
        assert_eq!(
            ctc.rvc_percent, None,
            "only RVC products carry a percentage"
        );
        assert!(
            repo::product_by_slug(&t.db, "en", "no-such-product")
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn price_on_request_products_have_no_tier_table() {
    for t in common::databases().await {
        seed(&t.db).await.unwrap();
        let p = repo::product_by_slug(&t.db, "en", "plc-control-cabinet-custom-built")
            .await
            .unwrap()
            .unwrap();
        assert!(p.prices.is_none(), "{}", t.engine);
    }
}

#[tokio::test]
async fn listing_paginates_featured_first() {
    for t in common::databases().await {
        seed(&t.db).await.unwrap();
        let page1 = repo::search_products(&t.db, "en", &filter(|_| {}))
            .await
            .unwrap();
        assert_eq!(page1.items.len() as u64, PAGE_SIZE, "{}", t.engine);
        assert_eq!(page1.total, 36);
        assert_eq!(page1.page_count(), 3);
        let featured = repo::featured_products(&t.db, "en", 100).await.unwrap();
        let first_skus: Vec<&str> = page1
            .items
            .iter()
            .take(featured.len())
            .map(|c| c.sku.as_str())
            .collect();
        assert!(
            featured
                .iter()
                .all(|f| first_skus.contains(&f.sku.as_str())),
            "{}",
            t.engine
        );
        let page3 = repo::search_products(&t.db, "en", &filter(|p| p.page = Some("3".into())))
            .await
            .unwrap();
        assert_eq!(page3.items.len(), 12);
        let all: std::collections::HashSet<String> = [page1.items, page3.items]
            .concat()
            .into_iter()
            .map(|c| c.sku)
            .collect();
        assert_eq!(all.len(), 24, "{}: pages do not overlap", t.engine);
    }
}

#[tokio::test]
async fn text_search_matches_names_in_any_locale_skus_and_hs_codes_case_insensitively() {
    for t in common::databases().await {
        seed(&t.db).await.unwrap();
        let by_word = repo::search_products(&t.db, "en", &filter(|p| p.q = Some("ROBUSTA".into())))
            .await
            .unwrap();
        assert_eq!(by_word.total, 1, "{}", t.engine);
        let by_japanese =
            repo::search_products(&t.db, "en", &filter(|p| p.q = Some("コーヒー".into())))
                .await
                .unwrap();
        assert!(by_japanese.total >= 1, "{}", t.engine);
        let by_sku =
            repo::search_products(&t.db, "en", &filter(|p| p.q = Some("pf-fu-3010".into())))
                .await
                .unwrap();
        assert_eq!(by_sku.total, 1, "{}", t.engine);
        let by_hs = repo::search_products(&t.db, "en", &filter(|p| p.q = Some("940161".into())))
            .await
            .unwrap();
        assert!(by_hs.total >= 1, "{}", t.engine);
        let oak = repo::search_products(&t.db, "en", &filter(|p| p.q = Some("oak".into())))
            .await
            .unwrap();
        assert!(oak.total >= 1, "{}", t.engine);
        let wildcard = repo::search_products(&t.db, "en", &filter(|p| p.q = Some("o_k".into())))
            .await
            .unwrap();
        assert_eq!(
            wildcard.total, 0,
            "{}: `_` in the search text is literal, not a LIKE wildcard",
            t.engine
        );
    }
}

#[tokio::test]
async fn filters_by_category_origin_and_moq_range() {
    for t in common::databases().await {
        seed(&t.db).await.unwrap();
        let furniture_cn = repo::search_products(
            &t.db,
            "en",
            &filter(|p| {
                p.category = Some("furniture".into());
                p.origin = Some("CN".into());
            }),
        )
        .await
        .unwrap();
        assert_eq!(furniture_cn.total, 3, "{}", t.engine);
        let small_moq = repo::search_products(
            &t.db,
            "en",
            &filter(|p| {
                p.moq_min = Some("50".into());
                p.moq_max = Some("100".into());
            }),
        )
        .await
        .unwrap();
        assert!(small_moq.total > 0);
        assert!(
            small_moq.items.iter().all(|c| (50..=100).contains(&c.moq)),
            "{}",
            t.engine
        );
        let unknown = repo::search_products(
            &t.db,
            "en",
            &filter(|p| p.category = Some("nothing-here".into())),
        )
        .await
        .unwrap();
        assert_eq!(unknown.total, 0);
        let origins = repo::origin_countries(&t.db).await.unwrap();
        let codes: Vec<&str> = origins.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes, ["CN", "VN"], "{}", t.engine);
    }
}

#[tokio::test]
async fn sitemap_lists_categories_and_published_products() {
    for t in common::databases().await {
        seed(&t.db).await.unwrap();
        let entries = repo::sitemap_entries(&t.db).await.unwrap();
        assert_eq!(entries.len(), 5 + 36, "{}", t.engine);
        assert!(entries.iter().any(|e| e.path == "/categories/furniture"));
    }
}

#[tokio::test]
async fn the_catalog_cache_serves_reads_until_invalidated() {
    use domain::catalog::cache::CatalogCache;
    use sea_orm::ConnectionTrait;
    for t in common::databases().await {
        seed(&t.db).await.unwrap();
        let cache = CatalogCache::new(t.db.clone(), std::time::Duration::from_secs(60));
        let slug = "brushless-dc-motor-57mm-24v-105w";
        let before = cache.product_by_slug("en", slug).await.unwrap();
        assert!(before.is_some());
        t.db.execute_unprepared("UPDATE products SET published = false")
            .await
            .unwrap();
        assert!(
            cache.product_by_slug("en", slug).await.unwrap().is_some(),
            "{}: served from memory",
            t.engine
        );
        cache.invalidate_all();
        assert!(
            cache.product_by_slug("en", slug).await.unwrap().is_none(),
            "{}: re-read after invalidation",
            t.engine
        );
        let uncached = CatalogCache::new(t.db.clone(), std::time::Duration::ZERO);
        assert_eq!(
            uncached
                .search_products("en", &filter(|_| {}))
                .await
                .unwrap()
                .total,
            0,
            "{}",
            t.engine
        );
    }
}
