//! The `server` binary: `server` / `server serve` starts Portfront (DESIGN.md §10).

use clap::{Parser, Subcommand};
use server::config::Config;
use server::startup::Application;
use tracing_subscriber::EnvFilter;

// Rendering pages allocates many small strings; mimalloc handles that far better than glibc's
// allocator under concurrent load (see bench/).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "server",
    version,
    about = "Portfront: the exporter's B2B store and RCEP trade terminal"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server (the default). Configuration comes from the environment.
    Serve,
    /// Create the first admin account; the password is read from standard input.
    CreateAdmin {
        /// The admin's e-mail address (the sign-in name).
        #[arg(long)]
        email: String,
        /// The name shown in the admin panel (defaults to the part before the @).
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Create a platform API client and print its id and secret as JSON (the secret is shown
    /// only this once).
    CreateApiClient {
        /// A name for the client, such as the platform it belongs to.
        #[arg(long)]
        name: String,
        /// Space-separated scopes: catalog:read eco:read orders:read orders:export shipments:read.
        #[arg(long)]
        scopes: String,
    },
    /// Create a carrier or port feed source and print its webhook URL and shared secret as
    /// JSON (the secret is shown only this once).
    CreateFeed {
        /// The source's name: the {source} of its webhook path (lower-case letters, digits, -).
        #[arg(long)]
        name: String,
        /// dcsa2 (DCSA 2.2 callbacks), dcsa3 (DCSA 3.0 events) or edifact (IFTSTA, COARRI, CODECO).
        #[arg(long)]
        kind: String,
    },
    /// Play a SIMULATED voyage for an order (port of loading → Cai Mep transshipment → port of
    /// discharge, with plans, a delayed estimate and the actual moves) through the signed DCSA
    /// 3.0 webhook of the running store. Every event says it is a simulation.
    SimulateVoyage {
        /// The order number (ORD-…).
        #[arg(long, required_unless_present = "demo")]
        order: Option<String>,
        /// Instead of one order: the demo's shipped orders, side by side, over and over
        /// (what `make run` starts).
        #[arg(long, conflicts_with = "order")]
        demo: bool,
        /// The running store (defaults to http://LEPTOS_SITE_ADDR).
        #[arg(long)]
        url: Option<String>,
        /// Seconds between steps.
        #[arg(long, default_value_t = 3)]
        step_seconds: u64,
    },
    /// Run the SANDBOX issuing body (docs/eco-authority.md) for demos and tests. It is not a
    /// real authority and says so on every answer and document.
    SandboxAuthority {
        /// Address to listen on.
        #[arg(long, env = "SANDBOX_ADDR", default_value = "127.0.0.1:4010")]
        addr: std::net::SocketAddr,
        /// The client id Portfront authenticates with (URL-safe characters).
        #[arg(long, env = "SANDBOX_CLIENT_ID", default_value = "sandbox-client")]
        client_id: String,
        /// The client secret Portfront authenticates with (URL-safe characters).
        #[arg(long, env = "SANDBOX_CLIENT_SECRET", default_value = "sandbox-secret")]
        client_secret: String,
        /// Answer the first N application calls with 503.
        #[arg(long, env = "SANDBOX_FAIL", default_value_t = 0)]
        fail: u32,
        /// Reject every application with a reason.
        #[arg(long, env = "SANDBOX_REJECT", default_value_t = false)]
        reject: bool,
        /// Keep each application pending this many milliseconds.
        #[arg(long, env = "SANDBOX_DELAY_MS", default_value_t = 0)]
        delay_ms: u64,
    },
}

fn init_tracing() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn"));
    let json = std::env::var("PORTFRONT_LOG_FORMAT").is_ok_and(|v| v == "json");
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    if json {
        builder.json().init();
    } else {
        builder.compact().init();
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve().await,
        Command::CreateApiClient { name, scopes } => create_api_client(&name, &scopes).await,
        Command::CreateAdmin { email, name } => create_admin(&email, &name).await,
        Command::CreateFeed { name, kind } => create_feed(&name, &kind).await,
        Command::SimulateVoyage {
            order,
            demo,
            url,
            step_seconds,
        } => simulate_voyage(order.as_deref(), demo, url, step_seconds).await,
        Command::SandboxAuthority {
            addr,
            client_id,
            client_secret,
            fail,
            reject,
            delay_ms,
        } => {
            server::sandbox_authority::run(server::sandbox_authority::SandboxConfig {
                addr,
                client_id,
                client_secret,
                fail,
                reject,
                delay: std::time::Duration::from_millis(delay_ms),
            })
            .await
        }
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` prints the whole cause chain on one line: "cannot open the database …: …".
            tracing::error!("{e:#}");
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let app = Application::build(config).await?;
    app.run_until_stopped().await
}

async fn create_api_client(name: &str, scopes: &str) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let created = server::cli::create_api_client(&config, name, scopes).await?;
    let json = serde_json::to_string_pretty(&created)?;
    write_stdout(&json)
}

async fn create_feed(name: &str, kind: &str) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let created = server::cli::create_feed(&config, name, kind).await?;
    write_stdout(&serde_json::to_string_pretty(&created)?)
}

async fn simulate_voyage(
    order: Option<&str>,
    demo: bool,
    url: Option<String>,
    step_seconds: u64,
) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let db = server::startup::open_database(&config).await?;
    let keys = server::startup::feed_keys(&config)?;
    let secret = server::voyage::source_secret(&db, &keys).await?;
    let url = url.unwrap_or_else(|| format!("http://{}", config.site_addr));
    let step = std::time::Duration::from_secs(step_seconds.max(1));
    if demo {
        write_stdout(&format!(
            "SIMULATION: playing demo voyages for the demo's shipped orders as feed source {}; these are not carrier events",
            server::voyage::SOURCE
        ))?;
        return server::voyage::demo_forever(&db, &url, &secret, step, |line| {
            let _ = write_stdout(&line);
        })
        .await;
    }
    let order = order.unwrap_or_default();
    let voyage = server::voyage::voyage_of(&db, order).await?;
    write_stdout(&format!(
        "SIMULATION: playing a demo voyage for {order} ({} → {} → {}) as feed source {}; these are not carrier events",
        voyage.origin,
        domain::shipments::simulation::TRANSSHIPMENT,
        voyage.destination,
        server::voyage::SOURCE
    ))?;
    server::voyage::play(&url, &secret, &voyage, step, |line| {
        let _ = write_stdout(&line);
    })
    .await
}

/// Prints the command's result (the one place the binary writes to standard output).
fn write_stdout(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{text}")?;
    out.flush()?;
    Ok(())
}

async fn create_admin(email: &str, name: &str) -> anyhow::Result<()> {
    let config = Config::from_env()?;
    if std::io::IsTerminal::is_terminal(&std::io::stdin()) {
        eprint!("Password for {email} (at least 12 characters, shown as you type): ");
    }
    let password = server::cli::read_password(&mut std::io::stdin().lock())?;
    let created = server::cli::create_admin(&config, email, name, &password).await?;
    write_stdout(&serde_json::to_string_pretty(&created)?)
}
