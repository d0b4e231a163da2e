//! The Portfront server: configuration, start-up, the HTTP router and its middleware.
//! `main.rs` is only the command line; tests build the same router in-process.

// Leptos view types nest deeply; the compiler needs room to lay them out.
#![recursion_limit = "512"]

pub mod api;
pub mod auth;
pub mod authority;
pub mod certificates;
pub mod cli;
pub mod client_credentials;
pub mod config;
pub mod eco_worker;
pub mod feed_poller;
pub mod feed_upload;
pub mod forwarding;
pub mod http_layers;
pub mod mailer;
pub mod maintenance;
pub mod page_cache;
pub mod quote_pdf;
pub mod rate_limit;
pub mod routes;
pub mod sandbox_authority;
pub mod shipment_stream;
pub mod startup;
pub mod static_files;
pub mod trade_forms;
pub mod voyage;
pub mod webhooks;
