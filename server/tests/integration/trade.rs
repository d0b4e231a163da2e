//! The buying flow's browser routes in-process on the demo data: the RFQ message form
//! (multipart, CSRF token, files sniffed and stored under the data directory) and the
//! attachment download, seen by the buyer company and staff only.

use axum::Router;
use axum::body::Body;
use chrono::Utc;
use domain::auth::Role;
use domain::auth::audit::Actor;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use server::config::Config;
use tower::ServiceExt;

const BASE: &str = "https://shop.example.com";
const COOKIE: &str = "__Host-pf_session";
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";

struct TestApp {
    _serial: crate::common::Serial,
    app: Router,
    db: sea_orm::DatabaseConnection,
    dir: tempfile::TempDir,
}

async fn demo_app() -> TestApp {
    let serial = crate::common::serial().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let db_url = format!("sqlite://{}/trade.db?mode=rwc", dir.path().display());
    let data_dir = dir.path().display().to_string();
    let config = Config::from_lookup(|k| match k {
        "DATABASE_URL" => Some(db_url.clone()),
        "PORTFRONT_DEMO" => Some("1".into()),
        "PORTFRONT_DATA_DIR" => Some(data_dir.clone()),
        "PORTFRONT_BASE_URL" => Some(BASE.into()),
        "PORTFRONT_RATE_LIMIT_PER_MINUTE" => Some("1000".into()),
        _ => None,
    })
    .expect("valid test configuration");
    let db = server::startup::prepare_database(&config)
        .await
        .expect("database ready");
    let app = server::startup::router(&config, db.clone()).expect("router builds");
    TestApp {
        _serial: serial,
        app,
        db,
        dir,
    }
}

/// A signed-in session of the person with this e-mail (staff are made on the spot).
async fn session_of(db: &sea_orm::DatabaseConnection, email: &str) -> String {
    use domain::entities::user;
    let found = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await
        .expect("users");
    let id = match found {
        Some(u) => u.id,
        None => {
            domain::auth::users::create_staff(
                db,
                email,
                "Sam Staff",
                Role::Staff,
                "correct horse battery",
                &Actor::Cli,
                Utc::now(),
            )
            .await
            .expect("staff");
            user::Entity::find()
                .filter(user::Column::Email.eq(email))
                .one(db)
                .await
                .expect("users")
                .expect("staff")
                .id
        }
    };
    domain::auth::sessions::start(db, id, None, None, None, Default::default(), Utc::now())
        .await
        .expect("session")
        .token
        .as_str()
        .to_owned()
}

/// The company of the person with this e-mail.
async fn company_of_email(db: &sea_orm::DatabaseConnection, email: &str) -> uuid::Uuid {
    use domain::entities::user;
    let u = user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(db)
        .await
        .expect("users")
        .expect("demo buyer");
    domain::auth::companies::company_of(db, u.id)
        .await
        .expect("company")
        .expect("demo company")
        .id
        .parse()
        .expect("uuid")
}

/// The number of one of the company's RFQs (that of the person with this e-mail).
async fn rfq_of(db: &sea_orm::DatabaseConnection, email: &str) -> String {
    use domain::entities::rfq;
    let company = company_of_email(db, email).await;
    rfq::Entity::find()
        .filter(rfq::Column::CompanyId.eq(company))
        .one(db)
        .await
        .expect("rfqs")
        .expect("a demo RFQ")
        .number
}

async fn send(app: &Router, req: Request<Body>) -> (StatusCode, http::HeaderMap, Vec<u8>) {
    let res = app.clone().oneshot(req).await.expect("response");
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.expect("body").to_bytes();
    (status, headers, body.to_vec())
}

fn get_as(uri: &str, token: Option<&str>) -> Request<Body> {
    let mut req = Request::get(uri);
    if let Some(t) = token {
        req = req.header(header::COOKIE, format!("{COOKIE}={t}"));
    }
    req.body(Body::empty()).expect("request")
}

fn location(h: &http::HeaderMap) -> String {
    h.get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// The CSRF token in a page's forms.
fn csrf_in(page: &[u8]) -> String {
    String::from_utf8_lossy(page)
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("csrf field")
        .to_owned()
}

const BOUNDARY: &str = "----portfront-test-boundary";

/// A multipart message form: text fields, then files (name, bytes).
fn message_form(
    number: &str,
    token: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> Request<Body> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    Request::post(format!("/rfqs/{number}/messages"))
        .header(header::ORIGIN, BASE)
        .header(header::COOKIE, format!("{COOKIE}={token}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .expect("request")
}

fn attachment_files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir.join("attachments")).map_or(0, |d| d.count())
}

// The server runs on the multi-threaded runtime; so do these tests.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_with_files_reach_the_other_side_and_nobody_else() {
    let t = demo_app().await;
    let kenji = "kenji.mori@osaka-kogyo.example";
    let buyer = session_of(&t.db, kenji).await;
    let stranger = session_of(&t.db, "thu.nguyen@saigon-parts.example").await;
    let staff = session_of(&t.db, "sam@harbourline.example").await;
    let number = rfq_of(&t.db, kenji).await;

    let (status, _, page) = send(&t.app, get_as(&format!("/en/rfqs/{number}"), Some(&buyer))).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8_lossy(&page);
    assert!(text.contains(&format!("action=\"/rfqs/{number}/messages\"")));
    assert!(text.contains("enctype=\"multipart/form-data\""));
    let csrf = csrf_in(&page);

    // A wrong token, a file that only claims to be a PDF, and an empty message: refused,
    // nothing stored.
    let (status, _, _) = send(
        &t.app,
        message_form(
            &number,
            &buyer,
            &[("csrf", "wrong"), ("locale", "en"), ("body", "hi")],
            &[],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, h, _) = send(
        &t.app,
        message_form(
            &number,
            &buyer,
            &[
                ("csrf", &csrf),
                ("locale", "ja"),
                ("body", "drawing attached"),
            ],
            &[("drawing.pdf", b"MZ\x90\0 not a pdf")],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&h),
        format!("/ja/rfqs/{number}?message_error=file_type&message_file=drawing.pdf#messages")
    );
    let (_, h, _) = send(
        &t.app,
        message_form(
            &number,
            &buyer,
            &[("csrf", &csrf), ("locale", "en"), ("body", "  ")],
            &[],
        ),
    )
    .await;
    assert!(
        location(&h).contains("message_error=required"),
        "{}",
        location(&h)
    );
    assert_eq!(attachment_files(t.dir.path()), 0, "nothing written");

    // The buyer writes with a PDF; the thread shows it on both sides.
    let (status, h, _) = send(
        &t.app,
        message_form(
            &number,
            &buyer,
            &[
                ("csrf", &csrf),
                ("locale", "en"),
                ("body", "Our drawing, revision C."),
            ],
            &[("../../plans/図面 rev C.pdf", PDF)],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&h),
        format!("/en/rfqs/{number}?message_sent=1#messages")
    );
    assert_eq!(attachment_files(t.dir.path()), 1);
    let (_, _, page) = send(
        &t.app,
        get_as(
            &format!("/en/admin/rfqs/{number}?message_sent=1"),
            Some(&staff),
        ),
    )
    .await;
    let text = String::from_utf8_lossy(&page).into_owned();
    assert!(text.contains("Our drawing, revision C."));
    assert!(text.contains("図面 rev C.pdf"), "the name without its path");
    let link = text
        .split("href=\"/attachments/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("attachment link")
        .to_owned();
    let url = format!("/attachments/{link}");

    // Staff download it as an attachment with its name; the buyer company too.
    let (status, h, bytes) = send(&t.app, get_as(&url, Some(&staff))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, PDF);
    assert_eq!(h[header::CONTENT_TYPE], "application/pdf");
    let disposition = h[header::CONTENT_DISPOSITION].to_str().expect("ascii");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(disposition.contains("filename*=UTF-8''%E5%9B%B3%E9%9D%A2%20rev%20C.pdf"));
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    let (status, _, _) = send(&t.app, get_as(&url, Some(&buyer))).await;
    assert_eq!(status, StatusCode::OK);

    // Another company's buyer: not found, for the file, the page and the form alike.
    let (status, _, _) = send(&t.app, get_as(&url, Some(&stranger))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = send(
        &t.app,
        get_as(&format!("/en/rfqs/{number}"), Some(&stranger)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let own = rfq_of(&t.db, "thu.nguyen@saigon-parts.example").await;
    let (_, _, page) = send(&t.app, get_as(&format!("/en/rfqs/{own}"), Some(&stranger))).await;
    let stranger_csrf = csrf_in(&page);
    let (status, _, _) = send(
        &t.app,
        message_form(
            &number,
            &stranger,
            &[
                ("csrf", &stranger_csrf),
                ("locale", "en"),
                ("body", "let me in"),
            ],
            &[],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // Signed out: to the sign-in page, and back to the file afterwards.
    let (status, h, _) = send(&t.app, get_as(&url, None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location(&h).starts_with("/en/sign-in?next=%2Fattachments%2F"),
        "{}",
        location(&h)
    );
    // An unknown id is the same 404 as someone else's.
    let (status, _, _) = send(
        &t.app,
        get_as(
            "/attachments/0190b5d0-0000-7000-8000-000000000000",
            Some(&staff),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Staff answer from the admin page: back there, and the buyer sees "Exporter", not the name.
    let (_, _, page) = send(
        &t.app,
        get_as(&format!("/en/admin/rfqs/{number}"), Some(&staff)),
    )
    .await;
    let staff_csrf = csrf_in(&page);
    let (_, h, _) = send(
        &t.app,
        message_form(
            &number,
            &staff,
            &[
                ("csrf", &staff_csrf),
                ("locale", "en"),
                ("body", "Received, thank you."),
            ],
            &[],
        ),
    )
    .await;
    assert_eq!(
        location(&h),
        format!("/en/admin/rfqs/{number}?message_sent=1#messages")
    );
    let (_, _, page) = send(&t.app, get_as(&format!("/en/rfqs/{number}"), Some(&buyer))).await;
    let text = String::from_utf8_lossy(&page).into_owned();
    assert!(text.contains("Received, thank you."));
    assert!(!text.contains("Sam Staff"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_file_is_refused_by_name_and_not_stored() {
    let t = demo_app().await;
    let kenji = "kenji.mori@osaka-kogyo.example";
    let buyer = session_of(&t.db, kenji).await;
    let number = rfq_of(&t.db, kenji).await;
    let (_, _, page) = send(&t.app, get_as(&format!("/en/rfqs/{number}"), Some(&buyer))).await;
    let csrf = csrf_in(&page);
    let mut big = b"%PDF-1.4\n".to_vec();
    big.resize(domain::trade::messages::MAX_ATTACHMENT_BYTES + 1, b' ');
    let (status, h, _) = send(
        &t.app,
        message_form(
            &number,
            &buyer,
            &[("csrf", &csrf), ("locale", "en"), ("body", "two files")],
            &[("small.pdf", PDF), ("catalogue.pdf", &big)],
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&h),
        format!(
            "/en/rfqs/{number}?message_error=file_too_large&message_file=catalogue.pdf#messages"
        )
    );
    assert_eq!(
        attachment_files(t.dir.path()),
        0,
        "the good file is not kept either"
    );
    let (_, _, page) = send(
        &t.app,
        get_as(
            &format!("/en/rfqs/{number}?message_error=file_too_large&message_file=catalogue.pdf"),
            Some(&buyer),
        ),
    )
    .await;
    assert!(String::from_utf8_lossy(&page).contains("“catalogue.pdf” is larger than 10 MB"));
}

/// A session cookie a response sets.
fn session_set(h: &http::HeaderMap) -> Option<String> {
    h.get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|c| c.strip_prefix(&format!("{COOKIE}=")))
        .map(|rest| rest.split(';').next().unwrap_or_default().to_owned())
}

fn post_form(uri: &str, body: &str) -> Request<Body> {
    Request::post(uri)
        .header(header::ORIGIN, BASE)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .expect("request")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_mail_server_the_code_waits_in_the_outbox_and_signs_the_buyer_in() {
    use domain::notify::{Mail, MailMessage};
    let t = demo_app().await;
    let staff = session_of(&t.db, "sam@harbourline.example").await;
    let (status, h, _) = send(
        &t.app,
        post_form(
            "/auth/email-code",
            "email=Kenji.Mori%40osaka-kogyo.example&next=&locale=ja",
        ),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(
        location(&h),
        "/ja/sign-in/email?email=kenji.mori%40osaka-kogyo.example"
    );
    // The code page shows the address typed: each visitor gets their own, never a stored one.
    for email in ["a%40example.com", "b%40example.com"] {
        let (status, h, page) = send(
            &t.app,
            get_as(&format!("/en/sign-in/email?email={email}"), None),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h[header::CACHE_CONTROL], "no-store");
        assert!(String::from_utf8_lossy(&page).contains(&email.replace("%40", "@")));
    }
    let code = domain::entities::outbox_message::Entity::find()
        .filter(domain::entities::outbox_message::Column::Kind.eq("mail"))
        .all(&t.db)
        .await
        .expect("outbox")
        .into_iter()
        .filter_map(|m| serde_json::from_value::<Mail>(m.payload).ok())
        .find_map(|m| match m.message {
            MailMessage::SignInCode { code, .. } if m.to == "kenji.mori@osaka-kogyo.example" => {
                Some(code)
            }
            _ => None,
        })
        .expect("the code's mail waits in the outbox");

    // Staff read it, in the buyer's language, on the Outbox page.
    let (status, _, page) = send(&t.app, get_as("/en/admin/outbox?mail=1", Some(&staff))).await;
    assert_eq!(status, StatusCode::OK);
    let text = String::from_utf8_lossy(&page).into_owned();
    assert!(text.contains("data-testid=\"outbox-no-smtp\""));
    assert!(text.contains("kenji.mori@osaka-kogyo.example"));
    assert!(text.contains(&code));
    assert!(text.contains("サインインコード"), "the mail in Japanese");
    // A buyer may not read the outbox.
    let kenji_other = session_of(&t.db, "thu.nguyen@saigon-parts.example").await;
    let (status, _, _) = send(&t.app, get_as("/en/admin/outbox", Some(&kenji_other))).await;
    assert_ne!(status, StatusCode::OK);

    // The code signs Kenji in, once.
    let body = format!("email=kenji.mori%40osaka-kogyo.example&code={code}&next=&locale=ja");
    let (status, h, _) = send(&t.app, post_form("/auth/email-code/verify", &body)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert_eq!(location(&h), "/ja/account");
    let token = session_set(&h).expect("a session");
    let (status, _, page) = send(&t.app, get_as("/ja/account", Some(&token))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&page).contains("Kenji Mori"));
    let (_, h, _) = send(&t.app, post_form("/auth/email-code/verify", &body)).await;
    assert!(location(&h).contains("error=expired"), "{}", location(&h));
    assert!(session_set(&h).is_none());
}

/// An RFQ of the person's company with a quote sent to the buyer (`true`) or without a quote.
async fn rfq_with_quote(db: &sea_orm::DatabaseConnection, email: &str, quoted: bool) -> String {
    use domain::entities::{quote, rfq};
    let company = company_of_email(db, email).await;
    let rfqs = rfq::Entity::find()
        .filter(rfq::Column::CompanyId.eq(company))
        .all(db)
        .await
        .expect("rfqs");
    let quotes = quote::Entity::find().all(db).await.expect("quotes");
    rfqs.iter()
        .find(|r| {
            let sent = quotes.iter().any(|q| {
                q.rfq_id == r.id && matches!(q.status.as_str(), "sent" | "countered" | "accepted")
            });
            let any = quotes.iter().any(|q| q.rfq_id == r.id);
            if quoted { sent } else { !any }
        })
        .expect("a demo RFQ of that kind")
        .number
        .clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_quote_pdf_is_drawn_in_the_buyers_language_for_the_two_parties_only() {
    let t = demo_app().await;
    let jiwoo = "jiwoo.park@busan-trading.example";
    let buyer = session_of(&t.db, jiwoo).await;
    let kenji = session_of(&t.db, "kenji.mori@osaka-kogyo.example").await;
    let staff = session_of(&t.db, "sam@harbourline.example").await;
    let stranger = session_of(&t.db, "thu.nguyen@saigon-parts.example").await;
    let number = rfq_with_quote(&t.db, jiwoo, true).await;
    let unquoted = rfq_with_quote(&t.db, "kenji.mori@osaka-kogyo.example", false).await;
    let url = |locale: &str| format!("/rfqs/{number}/quote.pdf?locale={locale}");

    // The buyer's page offers it in Korean (the page's language) and English.
    let (_, _, page) = send(&t.app, get_as(&format!("/ko/rfqs/{number}"), Some(&buyer))).await;
    let text = String::from_utf8_lossy(&page).into_owned();
    assert!(
        text.contains(&format!("href=\"{}\"", url("ko"))),
        "Korean PDF link"
    );
    assert!(
        text.contains(&format!("href=\"{}\"", url("en"))),
        "English PDF link"
    );

    let (status, h, pdf) = send(&t.app, get_as(&url("ko"), Some(&buyer))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    let disposition = h[header::CONTENT_DISPOSITION].to_str().expect("ascii");
    assert!(
        disposition.starts_with("attachment;") && disposition.contains("-ko.pdf"),
        "{disposition}"
    );
    assert!(
        h[header::CACHE_CONTROL]
            .to_str()
            .expect("ascii")
            .contains("no-store")
    );
    let fonts = domain::pdf::embedded_fonts(&pdf);
    assert!(
        fonts.iter().any(|f| f.starts_with("NotoSansCJKkr")),
        "Korean labels are drawn with the Korean CJK face: {fonts:?}"
    );
    let (status, _, english) = send(&t.app, get_as(&url("en"), Some(&buyer))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !domain::pdf::embedded_fonts(&english)
            .iter()
            .any(|f| f.starts_with("NotoSansCJK")),
        "an English quote of romanised names needs no CJK font"
    );

    // The same PDF in Japanese takes the Japanese face.
    let (_, _, japanese) = send(&t.app, get_as(&url("ja"), Some(&buyer))).await;
    assert!(
        domain::pdf::embedded_fonts(&japanese)
            .iter()
            .any(|f| f.starts_with("NotoSansCJKjp"))
    );
    // Staff get it too, and their page offers the buyer's language (ko) and English.
    let (status, _, _) = send(&t.app, get_as(&url("en"), Some(&staff))).await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, page) = send(
        &t.app,
        get_as(&format!("/en/admin/rfqs/{number}"), Some(&staff)),
    )
    .await;
    let text = String::from_utf8_lossy(&page).into_owned();
    assert!(
        text.contains(&format!("href=\"{}\"", url("ko"))),
        "the buyer's language for staff"
    );

    // Another company's member, an unknown number, no quote yet: not found.
    let (status, _, _) = send(&t.app, get_as(&url("ko"), Some(&stranger))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = send(
        &t.app,
        get_as("/rfqs/RFQ-2099-99999/quote.pdf", Some(&buyer)),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, body) = send(
        &t.app,
        get_as(
            &format!("/rfqs/{unquoted}/quote.pdf?locale=en"),
            Some(&kenji),
        ),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8_lossy(&body).contains("no quote yet"));
    // A language the site does not speak: a 400 that lists those it does.
    let (status, _, body) = send(&t.app, get_as(&url("fr"), Some(&buyer))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let body = String::from_utf8_lossy(&body).into_owned();
    assert!(
        body.contains("\"fr\"") && body.contains("ja") && body.contains("zh-Hans"),
        "{body}"
    );
    // Signed out: to the sign-in page, and back to the PDF afterwards.
    let (status, h, _) = send(&t.app, get_as(&url("ja"), None)).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        location(&h).starts_with("/ja/sign-in?next=%2Frfqs%2F"),
        "{}",
        location(&h)
    );
}
