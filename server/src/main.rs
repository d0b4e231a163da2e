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
