//! The server's integration tests, one binary with a module per area: the real router
//! in-process (`oneshot`) on a seeded database — pages and headers (`router`), the platform
//! API and its tokens (`api`), browser sign-in, sessions and CSRF (`accounts`), the operator
//! subcommands (`cli`), and the e-CO worker against the sandbox authority (`eco_authority`)
//! and in real server processes, killed and restarted, two on one PostgreSQL (`eco_processes`),
//! and the carrier webhooks, the shipment API and its live stream (`feeds`).

mod common;

mod accounts;
mod api;
mod cli;
mod eco_authority;
mod eco_processes;
mod feeds;
mod router;
mod trade;
