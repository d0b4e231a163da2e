//! The server's integration tests, one binary with a module per area: the real router
//! in-process (`oneshot`) on a seeded database — pages and headers (`router`), the platform
//! API and its tokens (`api`), browser sign-in, sessions and CSRF (`accounts`), the operator
//! subcommands (`cli`), and the e-CO worker against the sandbox authority (`eco_authority`)
//! and in real server processes, killed and restarted, two on one PostgreSQL (`eco_processes`),
//! and the carrier webhooks, the shipment API and its live stream (`feeds`), across two
//! replicas on one PostgreSQL (`shipment_replicas`), and a polled DCSA 3.0 publisher
//! (`feed_polling`).

mod common;

mod accounts;
mod api;
mod cli;
mod eco_authority;
mod eco_processes;
mod feed_polling;
mod feeds;
mod router;
mod shipment_replicas;
mod trade;
