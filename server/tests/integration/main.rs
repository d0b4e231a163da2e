//! The server's integration tests, one binary with a module per area: the real router
//! in-process (`oneshot`) on a seeded database — pages and headers (`router`), the platform
//! API and its tokens (`api`), browser sign-in, sessions and CSRF (`accounts`), and the operator
//! subcommands (`cli`).

mod common;

mod accounts;
mod api;
mod cli;
mod eco_authority;
mod router;
mod trade;
