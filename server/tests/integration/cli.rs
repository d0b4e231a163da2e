//! Operator subcommands in-process: `create-admin` (password from standard input).

use server::config::Config;

fn config(dir: &tempfile::TempDir) -> Config {
    let db_url = format!("sqlite://{}/cli.db?mode=rwc", dir.path().display());
    let data_dir = dir.path().display().to_string();
    Config::from_lookup(|k| match k {
        "DATABASE_URL" => Some(db_url.clone()),
        "PORTFRONT_DATA_DIR" => Some(data_dir.clone()),
        _ => None,
    })
    .expect("valid test configuration")
}

#[tokio::test]
async fn create_admin_reads_the_password_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let config = config(&dir);
    let mut stdin: &[u8] = b"a long enough passphrase\n";
    let password = server::cli::read_password(&mut stdin).unwrap();
    assert_eq!(password.as_str(), "a long enough passphrase");
    let out = server::cli::create_admin(&config, "Admin@Example.com", "", &password)
        .await
        .unwrap();
    assert_eq!(out.email, "admin@example.com");
    assert_eq!(out.role, "admin");

    let db = server::startup::open_database(&config).await.unwrap();
    let user = domain::auth::users::authenticate_password(&db, "admin@example.com", &password)
        .await
        .unwrap();
    assert_eq!(user.role, domain::auth::Role::Admin);

    let err = server::cli::create_admin(&config, "admin@example.com", "", &password)
        .await
        .unwrap_err();
    assert!(format!("{err:#}").contains("already exists"), "{err:#}");
    let err = server::cli::create_admin(&config, "other@example.com", "", "short")
        .await
        .unwrap_err();
    assert!(
        format!("{err:#}").contains("at least 12 characters"),
        "{err:#}"
    );

    let mut empty: &[u8] = b"\n";
    let err = server::cli::read_password(&mut empty).unwrap_err();
    assert!(err.to_string().contains("no password on standard input"));
}
